package dev.messagecenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.coordinator.rabbit.RabbitPackageQueue;
import dev.messagecenter.platform.redis.RedisGuard;
import dev.messagecenter.testfixtures.ApiClient;
import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.PrivateRabbitMq;
import dev.messagecenter.testfixtures.PrivateRedis;
import dev.messagecenter.testfixtures.Riders;
import dev.messagecenter.testfixtures.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Distributed mode under faults, with real servers only: three instances of the jar over one
 * external PostgreSQL, packages through a RabbitMQ node and counters in a Redis, all three servers
 * owned by this class so that it can stop them (the shared ones are never touched). Each test
 * breaks something in the middle of a broadcast and then requires the broadcast to end SENT with
 * exact stats and every device pushed at least once. Duplicate pushes are bounded by the packages
 * in the workers' hands at a {@code kill -9}; a graceful stop or a server outage repeats none.
 *
 * <p>The servers and the fleet are shared by the tests (each uses recipients of its own); the
 * fleet starts before the broker does, which the first test checks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedFaultsIT {

    static final int PAGE = 100;
    static final int BULK_WORKERS = 2;
    static final int CITIES = 10;
    static final int INSTANCES = 3;
    static final String PREFIX = "mc-faults-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path work;

    private static @Nullable PrivateRabbitMq rabbit;
    private static @Nullable PrivateRedis redis;
    private static @Nullable EmbeddedPostgres database;
    private static @Nullable FakePushGateway gateway;
    // why: instances are replaced from other threads while a test reads the fleet
    private static final AtomicReferenceArray<@Nullable ServiceProcess> fleet = new AtomicReferenceArray<>(INSTANCES);
    private static final AtomicInteger generation = new AtomicInteger();

    @BeforeAll
    static void serversAndFleet() throws IOException {
        rabbit = PrivateRabbitMq.prepare(work);
        redis = PrivateRedis.prepare(work);
        redis.start();
        database = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setServerConfig("max_connections", "200")
                .start();
        gateway = FakePushGateway.start();
        // why: the broker is started by the first test, so every instance starts without it
        List<CompletableFuture<ServiceProcess>> starting = IntStream.range(0, INSTANCES)
                .mapToObj(slot -> CompletableFuture.supplyAsync(() -> startInstance(slot)))
                .toList();
        starting.forEach(CompletableFuture::join);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        for (ServiceProcess service : fleet()) {
            service.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void wholeFleet() {
        // why: a test that failed half-way must not leave the next one short of an instance
        for (int slot = 0; slot < INSTANCES; slot++) {
            if (!instance(slot).isAlive()) {
                startInstance(slot);
            }
        }
        gateway().reset();
    }

    private static ServiceProcess startInstance(int slot) {
        String name = "faults-" + (char) ('a' + slot) + generation.incrementAndGet();
        ServiceProcess service = ServiceProcess.start(
                name,
                work.resolve(name),
                Map.ofEntries(
                        Map.entry(
                                "MC_DB_URL",
                                "jdbc:postgresql://localhost:" + database().getPort() + "/postgres?user=postgres"),
                        Map.entry("MC_DB_POOL_SIZE", "12"),
                        Map.entry("MC_QUEUE_TYPE", "rabbit"),
                        Map.entry("MC_RABBIT_HOST", rabbit().host()),
                        Map.entry("MC_RABBIT_PORT", Integer.toString(rabbit().port())),
                        Map.entry("MC_RABBIT_PREFIX", PREFIX),
                        Map.entry("MC_RABBIT_QUEUE_TYPE", "quorum"),
                        Map.entry("MC_REDIS_ENABLED", "true"),
                        // why: the inbox caches' outage handling is part of what a Redis outage tests
                        Map.entry("MC_INBOX_REDIS_CACHE", "true"),
                        Map.entry("MC_REDIS_URL", redis().url()),
                        Map.entry("MC_REDIS_PREFIX", PREFIX + ":"),
                        Map.entry("MC_PUSH_BASE_URL", gateway().baseUrl())),
                "-Xmx384m",
                // why: starting instances is most of this test's time, and they compute little
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dmessagecenter.coordinator.page-size=" + PAGE,
                "-Dmessagecenter.coordinator.bulk-workers=" + BULK_WORKERS,
                "-Dmessagecenter.coordinator.plan-lease=3s",
                "-Dmessagecenter.coordinator.package-lease=5s",
                "-Dmessagecenter.coordinator.poll-interval=100ms",
                "-Dspring.lifecycle.timeout-per-shutdown-phase=20s");
        fleet.set(slot, service);
        return service;
    }

    @Test
    @Order(1)
    void startsWhileTheBrokerIsDownAndDeliversOnceItIsUp() {
        assertThat(rabbit().running()).as("the fleet started before the broker").isFalse();
        for (ServiceProcess service : fleet()) {
            JsonNode readiness = readiness(service);
            assertThat(readiness.path("status").asString()).as("%s", readiness).isEqualTo("DEGRADED");
            assertThat(readiness
                            .path("components")
                            .path("rabbit")
                            .path("status")
                            .asString())
                    .isEqualTo("DEGRADED");
            assertThat(service.output()).contains("is unreachable at start");
        }
        int recipients = 1_000;
        ApiClient api = api();
        String id = broadcast(api, "s-", recipients);
        Instant created = Instant.now();

        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        fleet().stream().anyMatch(service -> service.output().contains("RabbitMQ is unreachable (")));
        // why: the relay fails on the first page's packages while the planner may still be
        // planning the last pages
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode waiting = stats(api, id);
            assertThat(waiting.path("status").asString()).isEqualTo("SENDING");
            assertThat(waiting.path("packages").path("pending").asLong())
                    .as("packages wait in PostgreSQL: %s", waiting)
                    .isEqualTo(recipients / PAGE);
        });
        assertThat(gateway().totalDeliveries()).isZero();

        rabbit().start();
        System.out.printf(
                "broker down at start: broker started %s after the send%n", Duration.between(created, Instant.now()));
        // why: the broker is new and empty, so these deliveries also show the topology was declared
        assertDeliveredExactly(api, id, "s-", recipients, 0);
        awaitRabbitComponent("UP");
        assertThat(metric(RabbitPackageQueue.RELAYED, "outcome=\"failed\""))
                .as("publishes refused while the broker was down")
                .isPositive();
        assertThat(metric(RabbitPackageQueue.RELAYED, "outcome=\"confirmed\""))
                .isGreaterThanOrEqualTo(recipients / PAGE);
    }

    @Test
    @Order(2)
    void killNineOfThePlannerAndOfAWorkerLosesNothing() {
        serversUp();
        int recipients = 20_000;
        gateway().delay(Duration.ofMillis(500));
        ApiClient api = api();
        JdbcClient db = JdbcClient.create(database().getPostgresDatabase());
        String id = broadcast(api, "k-", recipients);

        // why: one read gives owner, progress and planned together, polled tightly from the
        // create on, because a quiet machine plans the 200 pages in about a second
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    Map<String, Object> row = db.sql(
                                    "select plan_owner, planned, packages_total from messages where id = :id")
                            .param("id", UUID.fromString(id))
                            .query()
                            .singleRow();
                    seen.set(row);
                    return ((Number) row.get("packages_total")).intValue() >= 20
                            || Boolean.TRUE.equals(row.get("planned"));
                });
        Map<String, Object> plan = seen.get();
        Object owner = plan.get("plan_owner");
        assertThat(owner).as("a planner holds the message: %s", plan).isNotNull();
        int planner = slotOf(String.valueOf(owner)).orElseThrow();
        instance(planner).kill();
        assertThat(plan.get("planned"))
                .as("the planner was killed while planning")
                .isEqualTo(false);
        // why: restarts overlap the broadcast, as an orchestrator's would
        CompletableFuture<ServiceProcess> plannerBack = CompletableFuture.supplyAsync(() -> startInstance(planner));

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> gateway().totalDeliveries() >= recipients / 3);
        int worker = (planner + 1) % INSTANCES;
        instance(worker).kill();
        CompletableFuture<ServiceProcess> workerBack = CompletableFuture.supplyAsync(() -> startInstance(worker));

        // why: only the packages in the killed instances' hands can be pushed twice
        long duplicates = assertDeliveredExactly(api(), id, "k-", recipients, 2L * BULK_WORKERS * PAGE);
        System.out.printf("kill -9 of planner %d and worker %d: duplicates=%d%n", planner, worker, duplicates);
        assertThat(readiness(plannerBack.join()).path("status").asString()).isEqualTo("UP");
        assertThat(readiness(workerBack.join()).path("status").asString()).isEqualTo("UP");
    }

    @Test
    @Order(3)
    void brokerStoppedAndStartedMidBroadcastLosesNothing() {
        serversUp();
        int recipients = 20_000;
        gateway().delay(Duration.ofMillis(500));
        String id = broadcast(api(), "b-", recipients);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> gateway().totalDeliveries() >= recipients / 4);

        Instant stopped = Instant.now();
        rabbit().stop();
        assertThat(stats(api(), id).path("status").asString()).isEqualTo("SENDING");
        awaitRabbitComponent("DEGRADED");
        ApiClient api = api();
        for (int i = 0; i < 3; i++) {
            Response r = api.putJson("/api/v1/recipients/bd-r" + i, ServiceProcess.ADMIN_KEY, """
                    {"kind":"rider","city":"bd","channels":{"push":[{"platform":"android","token":"bd-t%d"}]}}""".formatted(i));
            assertThat(r.status()).as("%s", r).isIn(200, 201);
        }
        Response direct = api.postJson("/api/v1/messages", ServiceProcess.ADMIN_KEY, """
                {"title":"Outage","body":"Sent while the broker is down",
                 "audience":{"recipients":["bd-r0","bd-r1","bd-r2"]},"channels":["INBOX","PUSH"]}""");
        assertThat(direct.status())
                .as("a send is accepted while the broker is down: %s", direct)
                .isEqualTo(201);
        long pushedDuringOutage = gateway().totalDeliveries();

        rabbit().start();
        Duration outage = Duration.between(stopped, Instant.now());
        long duplicates = assertDeliveredExactly(api(), id, "b-", recipients, 0);
        String directId = direct.json().path("id").asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> stats(api(), directId).path("status").asString().equals("SENT"));
        for (int i = 0; i < 3; i++) {
            assertThat(gateway().deliveredCount("bd-t" + i)).isEqualTo(1);
        }
        assertThat(fleet())
                .as("relays that saw the outage logged the recovery")
                .anyMatch(service -> service.output().contains("RabbitMQ answers again"));
        System.out.printf(
                "broker stopped for %s (pushes before restart %d of %d): duplicates=%d%n",
                outage, pushedDuringOutage, recipients, duplicates);
    }

    @Test
    @Order(4)
    void redisStoppedAndStartedEmptyMidBroadcastLeavesExactStats() {
        serversUp();
        int recipients = 10_000;
        gateway().delay(Duration.ofMillis(500));
        String id = broadcast(api(), "d-", recipients);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> gateway().totalDeliveries() >= recipients / 4);

        Instant stopped = Instant.now();
        redis().stop();
        long before = gateway().totalDeliveries();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api().get("/actuator/health", null)
                                .json()
                                .path("components")
                                .path("redis")
                                .path("status")
                                .asString())
                        .isEqualTo("DEGRADED"));
        await("delivery going on without Redis")
                .atMost(Duration.ofSeconds(60))
                .until(() -> gateway().totalDeliveries() >= before + recipients / 4);
        redis().start();
        Duration outage = Duration.between(stopped, Instant.now());

        long duplicates = assertDeliveredExactly(api(), id, "d-", recipients, 0);
        assertThat(metric(RedisGuard.FALLBACKS, "operation=\"counters.add\""))
                .as("increments dropped while Redis was down")
                .isPositive();
        System.out.printf("Redis stopped for %s: duplicates=%d%n", outage, duplicates);
    }

    @Test
    @Order(5)
    void rollingSigtermRestartOfEveryInstanceLosesNothing() {
        serversUp();
        int recipients = 20_000;
        gateway().delay(Duration.ofSeconds(1));
        String id = broadcast(api(), "r-", recipients);
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway().totalDeliveries() >= 1_000);

        for (int slot = 0; slot < INSTANCES; slot++) {
            String status = stats(api(), id).path("status").asString();
            // why: 143 is the JVM's exit status after SIGTERM, once its shutdown hooks have run
            assertThat(instance(slot).stop()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(instance(slot).output()).contains("Coordinator stopped");
            startInstance(slot);
            System.out.printf("rolling restart: instance %d restarted while the broadcast was %s%n", slot, status);
        }

        // why: a graceful stop finishes the packages in hand, so a rolling restart repeats none
        long duplicates = assertDeliveredExactly(api(), id, "r-", recipients, 0);
        System.out.printf("rolling restart: duplicates=%d%n", duplicates);
    }

    /** Waits until every instance's readiness shows the {@code rabbit} component with that status. */
    private static void awaitRabbitComponent(String status) {
        for (ServiceProcess service : fleet()) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(readiness(service)
                                    .path("components")
                                    .path("rabbit")
                                    .path("status")
                                    .asString())
                            .isEqualTo(status));
        }
    }

    private static void serversUp() {
        redis().start();
        rabbit().start();
    }

    private static String broadcast(ApiClient api, String prefix, int recipients) {
        return Riders.importAndBroadcast(api, prefix, recipients, CITIES, "Depot closed");
    }

    /** Waits for SENT, checks the stats and every device, and returns the duplicate pushes. */
    private static long assertDeliveredExactly(
            ApiClient api, String id, String prefix, int recipients, long allowedDuplicates) {
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stats(api(), id).path("status").asString().equals("SENT"));
        JsonNode message =
                api().get("/api/v1/messages/" + id, ServiceProcess.ADMIN_KEY).json();
        Duration took = Duration.between(
                Instant.parse(message.path("createdAt").asString()),
                Instant.parse(message.path("finishedAt").asString()));
        JsonNode stats = stats(api(), id);
        long missing = IntStream.range(0, recipients)
                .filter(i -> gateway().deliveredCount(prefix + "t" + i) == 0)
                .count();
        long duplicates = gateway().totalDeliveries() - gateway().distinctTokens();
        System.out.printf(
                "%s%d: created to SENT in %s; pushes=%d, distinct=%d, duplicates=%d%n",
                prefix, recipients, took, gateway().totalDeliveries(), gateway().distinctTokens(), duplicates);
        assertThat(missing).as("recipients whose device got no push").isZero();
        assertThat(stats.path("targeted").asLong()).as("%s", stats).isEqualTo(recipients);
        assertThat(stats.path("delivered").path("INBOX").asLong())
                .as("%s", stats)
                .isEqualTo(recipients);
        assertThat(stats.path("delivered").path("PUSH").asLong())
                .as("%s", stats)
                .isEqualTo(recipients);
        assertThat(stats.path("failed").asLong()).as("%s", stats).isZero();
        assertThat(stats.path("packages").path("total").asLong()).isEqualTo(recipients / PAGE);
        assertThat(stats.path("packages").path("done").asLong()).isEqualTo(recipients / PAGE);
        assertThat(duplicates).as("duplicate pushes").isLessThanOrEqualTo(allowedDuplicates);
        return duplicates;
    }

    private static JsonNode stats(ApiClient api, String id) {
        return api.get("/api/v1/messages/" + id + "/stats", ServiceProcess.ADMIN_KEY)
                .json();
    }

    private static JsonNode readiness(ServiceProcess service) {
        Response readiness = new ApiClient(service.port()).get("/actuator/health/readiness", null);
        assertThat(readiness.status())
                .as("readiness of %s: %s", service, readiness)
                .isEqualTo(200);
        return readiness.json();
    }

    /** The sum over the running fleet of a Prometheus counter's series that carry {@code label}. */
    private static double metric(String name, String label) {
        String series = name.replace('.', '_') + "_total{";
        double sum = 0;
        for (ServiceProcess service : fleet()) {
            String body = new ApiClient(service.port())
                    .get("/actuator/prometheus", null)
                    .body();
            for (String line : body.lines().toList()) {
                if (line.startsWith(series) && line.contains(label)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /** The fleet slot whose JVM holds a lease ({@code <pid>@<host>/<uuid>}). */
    private static Optional<Integer> slotOf(String owner) {
        int at = owner.indexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        long pid = Long.parseLong(owner.substring(0, at));
        return IntStream.range(0, INSTANCES)
                .filter(slot -> instance(slot).pid() == pid)
                .boxed()
                .findFirst();
    }

    /** A client of the first running instance. */
    private static ApiClient api() {
        for (ServiceProcess service : fleet()) {
            if (service.isAlive()) {
                return new ApiClient(service.port());
            }
        }
        throw new IllegalStateException("no instance is running");
    }

    private static ServiceProcess instance(int slot) {
        return Objects.requireNonNull(fleet.get(slot), "instance " + slot);
    }

    /** The instances started so far, in slot order. */
    private static List<ServiceProcess> fleet() {
        List<ServiceProcess> started = new ArrayList<>();
        for (int slot = 0; slot < INSTANCES; slot++) {
            ServiceProcess service = fleet.get(slot);
            if (service != null) {
                started.add(service);
            }
        }
        return started;
    }

    private static PrivateRabbitMq rabbit() {
        return Objects.requireNonNull(rabbit);
    }

    private static PrivateRedis redis() {
        return Objects.requireNonNull(redis);
    }

    private static EmbeddedPostgres database() {
        return Objects.requireNonNull(database);
    }

    private static FakePushGateway gateway() {
        return Objects.requireNonNull(gateway);
    }
}
