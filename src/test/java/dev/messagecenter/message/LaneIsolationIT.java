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
                .until(() ->
                        GATEWAY.batchIds().stream().anyMatch(batch -> true) && "SENDING".equals(status(broadcast)));

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
}
