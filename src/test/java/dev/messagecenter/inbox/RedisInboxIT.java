package dev.messagecenter.inbox;

import static dev.messagecenter.inbox.TestMessages.aBroadcast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.RequiredServices;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The inbox with its Redis caches (distributed mode): every {@link InboxIT} case again, plus what
 * the caches do: answer unread counts and the segment's broadcast ids from Redis, drop them when
 * a broadcast is sent or revoked or the recipient reads, and answer repeated idempotency keys.
 */
class RedisInboxIT extends InboxIT {

    private static final String PREFIX =
            "mc-inbox-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private static RequiredServices.Endpoint redisServer;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    LettuceConnectionFactory redisConnections;

    @Autowired
    JdbcClient database;

    @BeforeAll
    static void redisIsThere() {
        redisServer = RequiredServices.redis();
    }

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        // why: a context of its own needs a database of its own; the shared one belongs to the
        // embedded-mode context, which stays running beside this one
        registry.add("mc.test.database-folder", () -> "redis-inbox");
        registry.add("messagecenter.redis.enabled", () -> "true");
        registry.add("messagecenter.inbox.redis-cache", () -> "true");
        registry.add("messagecenter.redis.url", () -> {
            RequiredServices.Endpoint endpoint = RequiredServices.redis();
            return "redis://" + endpoint.host() + ":" + endpoint.port();
        });
        registry.add("messagecenter.redis.prefix", () -> PREFIX);
    }

    @AfterAll
    static void removeKeys(@Autowired LettuceConnectionFactory redisConnections) {
        StringRedisTemplate redis = new StringRedisTemplate(redisConnections);
        Set<String> keys = redis.keys(PREFIX + "*");
        if (!keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    @Override
    protected void messagesWrittenDirectly() {
        events.publishEvent(InboxChanged.forEveryone());
    }

    @Test
    void unreadCountIsAnsweredFromRedisUntilTheRecipientsInboxChanges() {
        String city = unique("city");
        String recipient = newRecipient(city);
        String token = tokenFor(recipient);
        UUID sent = sendBroadcast(city);

        assertThat(unreadCount(token)).isEqualTo(1);
        assertThat(redis().<String, String>opsForHash().get(PREFIX + "inbox:{" + recipient + "}", "unread"))
                .endsWith(":1");

        // why: written past the code that tells the caches, so only a cached answer still says 1
        aBroadcast().inCities(city).insert(database);
        assertThat(unreadCount(token)).isEqualTo(1);

        assertThat(api.postJson("/api/v1/inbox/" + sent + "/read", token, "").status())
                .isEqualTo(204);
        assertThat(redis().<String, String>opsForHash().get(PREFIX + "inbox:{" + recipient + "}", "unread"))
                .isNull();
        assertThat(unreadCount(token)).isEqualTo(1);
    }

    @Test
    void aSegmentsCachedBroadcastsFollowSendAndRevoke() {
        String city = unique("city");
        String token = tokenFor(newRecipient(city));
        assertThat(page(token).path("items").size()).isZero();
        assertThat(redis().opsForValue().get(PREFIX + "inbox:broadcasts:rider:" + city))
                .matches("\\d+:\\[.*");

        UUID sent = sendBroadcast(city);

        assertThat(page(token).path("items").get(0).path("messageId").asString())
                .isEqualTo(sent.toString());
        assertThat(redis().opsForValue().get(PREFIX + "inbox:broadcasts:rider:" + city))
                .contains(sent.toString());
        assertThat(unreadCount(token)).isEqualTo(1);

        Response revoked = api.postJson("/api/v1/messages/" + sent + "/revoke", ADMIN_KEY, "");
        assertThat(revoked.status()).as("%s", revoked).isEqualTo(200);

        assertThat(page(token).path("items").size()).isZero();
        assertThat(unreadCount(token)).isZero();
    }

    @Test
    void aDirectMessageMovesOnlyItsRecipientsCacheNotTheBroadcastLists() {
        String city = unique("city");
        String reader = newRecipient(city);
        String readerToken = tokenFor(reader);
        String otherToken = tokenFor(newRecipient(city));
        sendBroadcast(city);
        assertThat(unreadCount(otherToken)).isEqualTo(1);
        assertThat(page(readerToken).path("items").size()).isEqualTo(1);
        String generation = redis().opsForValue().get(PREFIX + "inbox:generation");
        String broadcasts = redis().opsForValue().get(PREFIX + "inbox:broadcasts:rider:" + city);
        assertThat(broadcasts).startsWith(generation + ":");

        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Your order","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX"]}""".formatted(reader));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String direct = created.json().path("id").asString();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(page(readerToken)
                                .path("items")
                                .get(0)
                                .path("messageId")
                                .asString())
                        .isEqualTo(direct));
        assertThat(unreadCount(readerToken)).isEqualTo(2);
        // why: every other inbox keeps its cached answers; only the generation could drop them
        assertThat(redis().opsForValue().get(PREFIX + "inbox:generation")).isEqualTo(generation);
        assertThat(redis().opsForValue().get(PREFIX + "inbox:broadcasts:rider:" + city))
                .isEqualTo(broadcasts);
        assertThat(unreadCount(otherToken)).isEqualTo(1);
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredFromRedis() {
        String city = unique("city");
        String key = unique("key");
        String body = broadcastBody(city);
        Response first = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, Map.of("Idempotency-Key", key));
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        String id = first.json().path("id").asString();
        // why: with the database's record gone, only Redis can still recognise the key
        assertThat(database.sql("delete from idempotency_keys where key = :key")
                        .param("key", key)
                        .update())
                .isEqualTo(1);

        Response again = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, Map.of("Idempotency-Key", key));
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.json().path("id").asString()).isEqualTo(id);

        Response different = api.send(
                "POST",
                "/api/v1/messages",
                ADMIN_KEY,
                "application/json",
                broadcastBody(unique("city")),
                Map.of("Idempotency-Key", key));
        assertThat(different.status()).as("%s", different).isEqualTo(422);
        assertThat(database.sql("select count(*) from messages where title = :title")
                        .param("title", "Cached " + city)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private StringRedisTemplate redis() {
        return new StringRedisTemplate(redisConnections);
    }

    private String newRecipient(String city) {
        String id = unique("r");
        Response created = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"%s"}""".formatted(city));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return id;
    }

    private static String broadcastBody(String city) {
        return """
                {"title":"Cached %s","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},"channels":["INBOX"]}""".formatted(city, city);
    }

    private UUID sendBroadcast(String city) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, broadcastBody(city));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo("SENT"));
        return UUID.fromString(id);
    }

    private tools.jackson.databind.JsonNode page(String token) {
        Response page = api.get("/api/v1/inbox", token);
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        return page.json();
    }

    private long unreadCount(String token) {
        Response count = api.get("/api/v1/inbox/unread-count", token);
        assertThat(count.status()).as("%s", count).isEqualTo(200);
        return count.json().path("unread").asLong();
    }
}
