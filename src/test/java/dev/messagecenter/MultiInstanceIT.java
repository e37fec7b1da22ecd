package dev.messagecenter;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient;
import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.Riders;
import dev.messagecenter.testfixtures.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Several instances of the jar over one external PostgreSQL (a server this test owns, so that it
 * can also take it away): workers on every instance share the packages, one instance dies or all
 * of them restart one by one mid-broadcast, and nothing is lost or counted twice.
 */
class MultiInstanceIT {

    static final int RECIPIENTS = 20_000;
    static final int CITIES = 10;
    static final int PAGE = 100;
    static final int BULK_WORKERS = 4;

    @TempDir
    Path work;

    private final List<ServiceProcess> services = new ArrayList<>();
    private FakePushGateway gateway;
    private EmbeddedPostgres database;
    private int databasePort;

    @BeforeEach
    void externalDatabase() throws IOException {
        databasePort = freePort();
        database = startDatabase();
        gateway = FakePushGateway.start();
    }

    @AfterEach
    void stopEverything() throws IOException {
        services.forEach(ServiceProcess::close);
        gateway.close();
        database.close();
    }

    private EmbeddedPostgres startDatabase() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setCleanDataDirectory(false)
                .setPort(databasePort)
                .setServerConfig("max_connections", "200")
                .start();
    }

    private ServiceProcess instance(String name) {
        ServiceProcess service = ServiceProcess.start(
                name,
                work.resolve(name),
                "-Xmx384m",
                "-Dmessagecenter.database.url=jdbc:postgresql://localhost:" + databasePort + "/postgres?user=postgres",
                "-Dmessagecenter.database.pool-size=12",
                "-Dmessagecenter.push.base-url=" + gateway.baseUrl(),
                "-Dmessagecenter.coordinator.page-size=" + PAGE,
                "-Dmessagecenter.coordinator.bulk-workers=" + BULK_WORKERS,
                "-Dmessagecenter.coordinator.plan-lease=3s",
                "-Dmessagecenter.coordinator.package-lease=5s",
                "-Dmessagecenter.coordinator.poll-interval=100ms",
                "-Dspring.lifecycle.timeout-per-shutdown-phase=20s");
        services.add(service);
        return service;
    }

    private String broadcast(ApiClient api, String prefix) {
        return Riders.importAndBroadcast(api, prefix, RECIPIENTS, CITIES, "Shift change");
    }

    private void assertDeliveredExactly(ApiClient api, String id, String prefix, long allowedDuplicates) {
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "SENT"
                        .equals(api.get("/api/v1/messages/" + id, ServiceProcess.ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString()));
        JsonNode stats = api.get("/api/v1/messages/" + id + "/stats", ServiceProcess.ADMIN_KEY)
                .json();
        long missing = 0;
        for (int i = 0; i < RECIPIENTS; i++) {
            if (gateway.deliveredCount(prefix + "t" + i) == 0) {
                missing++;
            }
        }
        long duplicates = gateway.totalDeliveries() - gateway.distinctTokens();
        System.out.printf("%s: pushes=%d, duplicates=%d%n", prefix, gateway.totalDeliveries(), duplicates);
        assertThat(missing).as("recipients whose device got no push").isZero();
        assertThat(stats.path("targeted").asLong()).isEqualTo(RECIPIENTS);
        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(RECIPIENTS);
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(RECIPIENTS);
        assertThat(stats.path("failed").asLong()).isZero();
        assertThat(duplicates).isLessThanOrEqualTo(allowedDuplicates);
    }

    @Test
    void threeInstancesShareABroadcastAndSurviveTheLossOfOne() {
        ServiceProcess a = instance("a");
        instance("b");
        ServiceProcess c = instance("c");
        ApiClient api = new ApiClient(a.port());
        gateway.delay(Duration.ofMillis(30));

        String id = broadcast(api, "m");
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.totalDeliveries() >= RECIPIENTS / 4);
        c.kill();

        // why: only the packages in the killed instance's hands can be pushed twice
        assertDeliveredExactly(api, id, "m", (long) BULK_WORKERS * PAGE);
    }

    @Test
    void rollingRestartOfEveryInstanceLosesNothing() {
        List<ServiceProcess> fleet = new ArrayList<>(List.of(instance("a"), instance("b"), instance("c")));
        gateway.delay(Duration.ofMillis(30));
        String id = broadcast(new ApiClient(fleet.getFirst().port()), "r");
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.totalDeliveries() >= 1_000);

        for (int i = 0; i < fleet.size(); i++) {
            // why: 143 is the JVM's exit status after SIGTERM, once its shutdown hooks have run
            assertThat(fleet.get(i).stop()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(fleet.get(i).output()).contains("Coordinator stopped");
            fleet.set(i, instance(fleet.get(i).dataDir().getFileName() + "2"));
        }

        // why: a graceful stop finishes the packages in hand, so a rolling restart repeats none
        assertDeliveredExactly(new ApiClient(fleet.getLast().port()), id, "r", 0);
    }

    @Test
    void databaseOutageAnswers503AndWorkResumes() throws IOException {
        ServiceProcess a = instance("a");
        ApiClient api = new ApiClient(a.port());
        api.putJson("/api/v1/recipients/o-1", ServiceProcess.ADMIN_KEY, "{\"kind\":\"rider\",\"city\":\"x\"}");

        database.close();
        Response read = api.get("/api/v1/recipients/o-1", ServiceProcess.ADMIN_KEY);
        Response write = api.postJson(
                "/api/v1/messages",
                ServiceProcess.ADMIN_KEY,
                "{\"title\":\"t\",\"body\":\"b\",\"audience\":{\"recipients\":[\"o-1\"]},\"channels\":[\"INBOX\"]}");
        assertProblem(read).is(503, "service-unavailable");
        assertProblem(write).is(503, "service-unavailable");
        assertThat(read.header("Retry-After")).isEqualTo("5");

        database = startDatabase();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/actuator/health/readiness", null).status() == 200);
        Response created = api.postJson(
                "/api/v1/messages",
                ServiceProcess.ADMIN_KEY,
                "{\"title\":\"t\",\"body\":\"b\",\"audience\":{\"recipients\":[\"o-1\"]},\"channels\":[\"INBOX\"]}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "SENT"
                        .equals(api.get("/api/v1/messages/" + id, ServiceProcess.ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString()));
        assertThat(api.get("/api/v1/messages?q=t&limit=10", ServiceProcess.ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .as("the message refused during the outage was not half-written")
                .isEqualTo(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
