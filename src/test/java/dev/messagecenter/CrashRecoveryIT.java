package dev.messagecenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient;
import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Invariants 1, 3, 4 and 6 with a real process: a 50,000-recipient broadcast survives {@code kill
 * -9} during planning and again during delivery, ends SENT with exact stats, and every recipient's
 * device gets its push; a redelivered package may push its recipients twice, never zero times.
 */
class CrashRecoveryIT {

    static final int RECIPIENTS = 50_000;
    static final int PAGE = 100;
    static final int BULK_WORKERS = 4;

    private final List<ServiceProcess> services = new ArrayList<>();
    private FakePushGateway gateway;

    @AfterEach
    void stop() {
        services.forEach(ServiceProcess::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    private ServiceProcess start(Path dataDir) {
        ServiceProcess service = ServiceProcess.start(
                "crash",
                dataDir,
                "-Xmx512m",
                "-Dmessagecenter.push.base-url=" + gateway.baseUrl(),
                "-Dmessagecenter.coordinator.page-size=" + PAGE,
                "-Dmessagecenter.coordinator.bulk-workers=" + BULK_WORKERS,
                "-Dmessagecenter.coordinator.plan-lease=3s",
                "-Dmessagecenter.coordinator.package-lease=5s",
                "-Dmessagecenter.coordinator.poll-interval=100ms");
        services.add(service);
        return service;
    }

    @Test
    void broadcastSurvivesKillNineDuringPlanningAndDelivery(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) {
        gateway = FakePushGateway.start();
        // why: slow enough that the kills land in the middle of the work
        gateway.delay(Duration.ofMillis(40));
        ServiceProcess first = start(dataDir);
        ApiClient api = new ApiClient(first.port());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < RECIPIENTS; i++) {
            lines.append("{\"id\":\"r")
                    .append(i)
                    .append("\",\"kind\":\"rider\",\"city\":\"c")
                    .append(i % 10)
                    .append("\",\"channels\":{\"push\":[{\"platform\":\"android\",\"token\":\"t")
                    .append(i)
                    .append("\"}]}}\n");
        }
        JsonNode imported = api.send(
                        "POST",
                        "/api/v1/recipients:import",
                        ServiceProcess.ADMIN_KEY,
                        "application/x-ndjson",
                        lines.toString())
                .json();
        assertThat(imported.path("imported").asLong()).isEqualTo(RECIPIENTS);

        Response created = api.postJson("/api/v1/messages", ServiceProcess.ADMIN_KEY, """
                {"title":"Depot closed","body":"Use the north depot today","audience":{"kinds":["rider"],
                 "cities":["c0","c1","c2","c3","c4","c5","c6","c7","c8","c9"]},"channels":["INBOX","PUSH"]}""");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> stats(api, id).path("packages").path("total").asLong() >= 20);
        boolean killedWhilePlanning = !api.get(
                        "/api/v1/messages/" + id + "/events?limit=1000", ServiceProcess.ADMIN_KEY)
                .body()
                .contains("\"PLANNED\"");
        first.kill();

        ServiceProcess second = start(dataDir);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> gateway.totalDeliveries() >= RECIPIENTS / 3);
        second.kill();

        ServiceProcess third = start(dataDir);
        ApiClient api3 = new ApiClient(third.port());
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "SENT"
                        .equals(api3.get("/api/v1/messages/" + id, ServiceProcess.ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString()));

        JsonNode stats = stats(api3, id);
        long missing = 0;
        for (int i = 0; i < RECIPIENTS; i++) {
            if (gateway.deliveredCount("t" + i) == 0) {
                missing++;
            }
        }
        long duplicates = gateway.totalDeliveries() - gateway.distinctTokens();
        System.out.printf(
                "crash test: killed while planning=%s, pushes=%d, distinct=%d, duplicates=%d%n",
                killedWhilePlanning, gateway.totalDeliveries(), gateway.distinctTokens(), duplicates);
        assertThat(killedWhilePlanning)
                .as("the first kill landed during planning")
                .isTrue();
        assertThat(missing).as("recipients whose device got no push").isZero();
        assertThat(stats.path("targeted").asLong()).isEqualTo(RECIPIENTS);
        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(gateway.distinctTokens());
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(RECIPIENTS);
        assertThat(stats.path("failed").asLong()).isZero();
        assertThat(stats.path("packages").path("total").asLong()).isEqualTo(RECIPIENTS / PAGE);
        // why: only packages in a worker's hands at the moment of a kill can be pushed twice
        assertThat(duplicates).isLessThanOrEqualTo(2L * BULK_WORKERS * PAGE);
        assertThat(api3.get("/api/v1/recipients/r7/messages/" + id + "/trace", ServiceProcess.ADMIN_KEY)
                        .json()
                        .path("channels")
                        .toString())
                .contains("PUSH", "DONE");
    }

    private static JsonNode stats(ApiClient api, String id) {
        return api.get("/api/v1/messages/" + id + "/stats", ServiceProcess.ADMIN_KEY)
                .json();
    }
}
