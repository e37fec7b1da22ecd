package dev.messagecenter.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Invariant 5: a direct send does not wait behind a bulk broadcast in flight. */
class LaneIsolationIT extends ServiceIT {

    @AfterEach
    void normalGateway() {
        GATEWAY.delay(Duration.ZERO);
    }

    @Test
    void directMessageIsDeliveredWhileABigBroadcastIsStillSending() {
        String city = unique("lane");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            lines.append("{\"id\":\"")
                    .append(city)
                    .append('-')
                    .append(i)
                    .append("\",\"kind\":\"rider\",\"city\":\"")
                    .append(city)
                    .append("\",\"channels\":{\"push\":[{\"platform\":\"ios\",\"token\":\"")
                    .append(city)
                    .append("-t")
                    .append(i)
                    .append("\"}]}}\n");
        }
        assertThat(api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "application/x-ndjson", lines.toString())
                        .json()
                        .path("imported")
                        .asLong())
                .isEqualTo(50_000);
        GATEWAY.delay(Duration.ofMillis(150));
        String broadcast = api.postJson("/api/v1/messages", ADMIN_KEY, """
                        {"title":"All riders","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},
                         "channels":["INBOX","PUSH"]}""".formatted(city))
                .json()
                .path("id")
                .asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !GATEWAY.batchIds().isEmpty() && "SENDING".equals(status(broadcast)));

        String direct = api.postJson("/api/v1/messages", ADMIN_KEY, """
                        {"title":"Order 42","body":"Picked up","audience":{"recipients":["%s-7"]},"channels":["INBOX"]}""".formatted(city))
                .json()
                .path("id")
                .asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(status(direct)));

        assertThat(status(broadcast)).as("the broadcast is still in flight").isEqualTo("SENDING");
        await().atMost(Duration.ofSeconds(120)).until(() -> "SENT".equals(status(broadcast)));
    }

    private String status(String id) {
        return api.get("/api/v1/messages/" + id, ADMIN_KEY)
                .json()
                .path("status")
                .asString();
    }

    @Test
    void revokingABroadcastInFlightStopsItsPendingPackages() {
        String city = unique("rev");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            lines.append(
                    "{\"id\":\"%1$s-%2$d\",\"kind\":\"rider\",\"city\":\"%1$s\",\"channels\":{\"push\":[{\"platform\":\"ios\",\"token\":\"%1$s-t%2$d\"}]}}\n"
                            .formatted(city, i));
        }
        api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "application/x-ndjson", lines.toString());
        GATEWAY.delay(Duration.ofMillis(300));
        String id = api.postJson("/api/v1/messages", ADMIN_KEY, """
                        {"title":"Wrong","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},"channels":["INBOX","PUSH"]}""".formatted(city))
                .json()
                .path("id")
                .asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY)
                                .json()
                                .path("packages")
                                .path("total")
                                .asLong()
                        == 10);

        assertThat(api.postJson("/api/v1/messages/" + id + "/revoke", ADMIN_KEY, "")
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("REVOKED");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var packages = api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY)
                    .json()
                    .path("packages");
            assertThat(packages.path("pending").asLong()
                            + packages.path("dispatched").asLong())
                    .isZero();
            assertThat(packages.path("canceled").asLong()).isPositive();
        });
        assertThat(api.get("/api/v1/messages/" + id + "/events", ADMIN_KEY).body())
                .contains("PACKAGES_CANCELED");
    }
}
