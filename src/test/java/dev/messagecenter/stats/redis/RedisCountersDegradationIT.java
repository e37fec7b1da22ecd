package dev.messagecenter.stats.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.platform.redis.RedisGuard;
import dev.messagecenter.testfixtures.ApiClient;
import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.PrivateRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service with Redis counters while its Redis is down, then back: sends, reads and stats
 * keep working, stats of a finished message are exact from the database, the outage is counted
 * and shown as DEGRADED health (not readiness), and once Redis answers again the message's
 * counters are recounted into it. The Redis is a private {@code redis-server} on a free port that
 * this test starts and stops; the shared one is never touched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RedisCountersDegradationIT {

    private static final String ADMIN_KEY = "test-admin-key-redis-0123456789ab";
    private static final Path DATA_DIR =
            Path.of("target", "it-data", UUID.randomUUID().toString());
    private static final FakePushGateway GATEWAY = FakePushGateway.start();
    /** Down when the context starts; started in the middle of the test. */
    private static PrivateRedis redis;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RedisCounters counters;

    @Autowired
    LettuceConnectionFactory redisConnections;

    @BeforeAll
    static void privateRedis() {
        redis = PrivateRedis.prepare(Path.of("target", "it-redis"));
    }

    @DynamicPropertySource
    static void redisCounters(DynamicPropertyRegistry registry) {
        registry.add("messagecenter.database.embedded.data-dir", DATA_DIR::toString);
        registry.add("messagecenter.security.admin-key", () -> ADMIN_KEY);
        registry.add("messagecenter.push.base-url", GATEWAY::baseUrl);
        registry.add("messagecenter.coordinator.poll-interval", () -> "50ms");
        registry.add("messagecenter.redis.enabled", () -> "true");
        // why: the inbox caches' outage handling is part of what this outage tests
        registry.add("messagecenter.inbox.redis-cache", () -> "true");
        registry.add("messagecenter.redis.url", () -> redis.url());
        registry.add("messagecenter.redis.prefix", () -> "mc-degraded:");
        registry.add("messagecenter.redis.retry-after", () -> "200ms");
    }

    @AfterAll
    static void stopPrivateRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void sendsReadsAndExactStatsSurviveAnOutageAndAreRecountedIntoRedisAfterIt() throws Exception {
        ApiClient api = new ApiClient(port);
        Response health = api.get("/actuator/health", null);
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("DEGRADED");
        Response redisHealth = api.get("/actuator/health/redis", null);
        assertThat(redisHealth.status()).as("%s", redisHealth).isEqualTo(200);
        assertThat(redisHealth.json().path("status").asString()).isEqualTo("DEGRADED");
        Response readiness = api.get("/actuator/health/readiness", null);
        assertThat(readiness.status()).as("%s", readiness).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");

        String city = "deg-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 30; i++) {
            Response r = api.putJson("/api/v1/recipients/" + city + "-r" + i, ADMIN_KEY, """
                    {"kind":"rider","city":"%s","channels":{"push":[{"platform":"android","token":"%s"}]}}""".formatted(
                            city, (i < 2 ? "invalid-" : "") + city + "-t" + i));
            assertThat(r.status()).as("%s", r).isEqualTo(201);
        }
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Outage","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},
                 "channels":["INBOX","PUSH"],"forceRead":true}""".formatted(city));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo("SENT"));
        String token = api.postJson("/api/v1/recipients/" + city + "-r5/token", ADMIN_KEY, "")
                .json()
                .path("token")
                .asString();
        assertThat(api.postJson("/api/v1/inbox/" + id + "/ack", token, "").status())
                .isEqualTo(204);
        // why: the inbox and idempotency keys answer from PostgreSQL while their Redis caches are away
        Response page = api.get("/api/v1/inbox", token);
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.json().path("items").get(0).path("messageId").asString())
                .isEqualTo(id);
        assertThat(api.get("/api/v1/inbox/unread-count", token)
                        .json()
                        .path("unread")
                        .asLong())
                .isZero();
        String key = "degraded-" + UUID.randomUUID();
        String repeated = """
                {"title":"Repeat","body":"b","audience":{"recipients":["%s-r1"]},"channels":["INBOX"]}""".formatted(city);
        Response original = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", repeated, Map.of("Idempotency-Key", key));
        Response replayed = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", repeated, Map.of("Idempotency-Key", key));
        assertThat(original.status()).as("%s", original).isEqualTo(201);
        assertThat(replayed.status()).as("%s", replayed).isEqualTo(200);
        assertThat(replayed.json().path("id").asString())
                .isEqualTo(original.json().path("id").asString());
        assertThat(meters.counter(RedisGuard.FALLBACKS, "operation", "inbox.unread")
                        .count())
                .isPositive();
        assertThat(meters.counter(RedisGuard.FALLBACKS, "operation", "idempotency.find")
                        .count())
                .isPositive();

        assertExactStats(api, id, 1);
        assertThat(meters.counter(RedisGuard.FALLBACKS, "operation", "counters.add")
                        .count())
                .isPositive();
        assertThat(meters.counter(RedisGuard.FALLBACKS, "operation", "counters.totals")
                        .count())
                .isPositive();

        redis.start();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(api.get("/actuator/health", null)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo("UP"));
        double totalsFallbacks = meters.counter(RedisGuard.FALLBACKS, "operation", "counters.totals")
                .count();

        assertExactStats(api, id, 1);
        StringRedisTemplate redis = new StringRedisTemplate(redisConnections);
        String hash = counters.key(UUID.fromString(id), "counters");
        assertThat(redis.opsForHash().get(hash, RedisCounters.RECONCILED)).isNotNull();
        assertThat(redis.opsForHash().get(hash, "delivered.PUSH")).isEqualTo("28");
        assertThat(meters.counter(RedisGuard.FALLBACKS, "operation", "counters.totals")
                        .count())
                .isEqualTo(totalsFallbacks);

        String second = api.postJson("/api/v1/recipients/" + city + "-r6/token", ADMIN_KEY, "")
                .json()
                .path("token")
                .asString();
        assertThat(api.postJson("/api/v1/inbox/" + id + "/read", second, "").status())
                .isEqualTo(204);
        assertExactStats(api, id, 2);
        assertThat(redis.opsForHash().get(hash, "read")).isEqualTo("2");
    }

    private static void assertExactStats(ApiClient api, String id, long read) {
        JsonNode stats = api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
        assertThat(stats.path("delivered").path("INBOX").asLong())
                .as("%s", stats)
                .isEqualTo(30);
        assertThat(stats.path("delivered").path("PUSH").asLong())
                .as("%s", stats)
                .isEqualTo(28);
        assertThat(stats.path("failed").asLong()).as("%s", stats).isEqualTo(2);
        assertThat(stats.path("read").asLong()).as("%s", stats).isEqualTo(read);
        assertThat(stats.path("acked").asLong()).as("%s", stats).isEqualTo(1);
    }
}
