package dev.messagecenter.message;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Messages from compose to SENT on the embedded default, with stats and the lifecycle log. */
class MessageFlowIT extends ServiceIT {

    @Autowired
    JdbcClient jdbc;

    private void rider(String id, String city, String token) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"%s","channels":{"push":[{"platform":"android","token":"%s"}]}}""".formatted(city, token));
        assertThat(r.status()).as("%s", r).isIn(200, 201);
    }

    private Response create(String body) {
        return api.postJson("/api/v1/messages", ADMIN_KEY, body);
    }

    private JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .untilAsserted(() -> assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo(status));
        return api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
    }

    @Test
    void broadcastToTwoCitiesReachesInboxAndPushExactlyOnce() {
        String a = unique("bc");
        String b = unique("bc");
        for (int i = 0; i < 700; i++) {
            rider(a + "-r" + i, i % 2 == 0 ? a : b, a + "-tok-" + i);
        }
        Response created = create("""
                {"title":"Rain alert","body":"Heavy rain this afternoon","category":"weather",
                 "audience":{"kinds":["rider"],"cities":["%s","%s"]},"channels":["INBOX","PUSH"],"pinned":true}""".formatted(a, b));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.json().path("lane").asString()).isEqualTo("bulk");
        String id = created.json().path("id").asString();

        JsonNode stats = awaitStatus(id, "SENT");

        assertThat(stats.path("targeted").asLong()).isEqualTo(700);
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(700);
        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(700);
        assertThat(stats.path("packages").path("total").asLong()).isEqualTo(2);
        assertThat(stats.path("packages").path("done").asLong()).isEqualTo(2);
        for (int i = 0; i < 700; i++) {
            assertThat(GATEWAY.deliveredCount(a + "-tok-" + i)).isEqualTo(1);
        }
        JsonNode events =
                api.get("/api/v1/messages/" + id + "/events", ADMIN_KEY).json().path("items");
        assertThat(events.toString()).contains("CREATED", "SENDING", "PACKAGE_DONE", "PLANNED", "SENT");
        JsonNode trace = api.get("/api/v1/recipients/" + a + "-r3/messages/" + id + "/trace", ADMIN_KEY)
                .json();
        assertThat(trace.path("targeted").asBoolean()).isTrue();
        assertThat(trace.path("channels").toString()).contains("PUSH", "INBOX");
    }

    @Test
    void theTraceTellsWhichRecipientsAPushPackageReached() {
        String p = unique("reach");
        rider(p + "-phone", p, p + "-t1");
        rider(p + "-refused", p, p + "-gone");
        Response noDevice = api.putJson("/api/v1/recipients/" + p + "-nodevice", ADMIN_KEY, """
                {"kind":"rider","city":"%s"}""".formatted(p));
        assertThat(noDevice.status()).as("%s", noDevice).isEqualTo(201);
        GATEWAY.rejectTokens(Set.of(p + "-gone"));
        Response created = create("""
                {"title":"Road closed","body":"Take the ring road","channels":["PUSH","INBOX"],
                 "audience":{"recipients":["%1$s-phone","%1$s-refused","%1$s-nodevice"]}}""".formatted(p));
        String id = created.json().path("id").asString();

        awaitStatus(id, "SENT");

        assertThat(channel(trace(p + "-phone", id), "PUSH").path("deliveredAt").isMissingNode())
                .isFalse();
        JsonNode refused = channel(trace(p + "-refused", id), "PUSH");
        assertThat(refused.path("state").asString()).isEqualTo("DONE");
        assertThat(refused.path("deliveredAt").isMissingNode()).isTrue();
        assertThat(refused.path("detail").asString()).contains("refused every device token");
        JsonNode missing = channel(trace(p + "-nodevice", id), "PUSH");
        assertThat(missing.path("deliveredAt").isMissingNode()).isTrue();
        assertThat(missing.path("detail").asString()).isEqualTo("the recipient has no push device");
        for (String who : List.of("-phone", "-refused", "-nodevice")) {
            assertThat(channel(trace(p + who, id), "INBOX").path("deliveredAt").isMissingNode())
                    .as("inbox of %s", who)
                    .isFalse();
        }
    }

    private JsonNode trace(String recipient, String messageId) {
        Response trace = api.get("/api/v1/recipients/" + recipient + "/messages/" + messageId + "/trace", ADMIN_KEY);
        assertThat(trace.status()).as("%s", trace).isEqualTo(200);
        return trace.json();
    }

    private static JsonNode channel(JsonNode trace, String channel) {
        for (JsonNode delivery : trace.path("channels")) {
            if (delivery.path("channel").asString().equals(channel)) {
                return delivery;
            }
        }
        throw new AssertionError("no " + channel + " in " + trace);
    }

    @Test
    void directListMessageIsFannedOutToTheInbox() {
        String city = unique("dl");
        rider(city + "-1", city, city + "-t1");
        rider(city + "-2", city, city + "-t2");
        Response created = create("""
                {"title":"Your payout","body":"Sent today","audience":{"recipients":["%1$s-1","%1$s-2","%1$s-nobody"]},
                 "channels":["INBOX"]}""".formatted(city));
        assertThat(created.json().path("lane").asString()).isEqualTo("direct");
        String id = created.json().path("id").asString();

        JsonNode stats = awaitStatus(id, "SENT");

        assertThat(stats.path("targeted").asLong()).isEqualTo(2);
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(2);
        assertThat(GATEWAY.deliveredCount(city + "-t1")).isZero();
        assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED", "PACKAGE_DONE", "SENT");
    }

    @Test
    void aListWithNoActiveRecipientEndsSentWithNothingToDeliver() {
        String nobody = unique("nobody");
        Response created = create("""
                {"title":"Nobody home","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX","PUSH"]}""".formatted(nobody));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();

        JsonNode stats = awaitStatus(id, "SENT");

        assertThat(stats.path("targeted").asLong()).isZero();
        assertThat(stats.path("packages").path("total").asLong()).isZero();
        assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED", "SENT");
    }

    @Test
    void manyDirectMessagesAtOnceAreEachDeliveredOnce() {
        String city = unique("many");
        String token = city + "-tok";
        rider(city + "-r", city, token);
        List<String> ids = new ArrayList<>();
        // why: more than one planning batch and many delivery batches, created faster than one
        // planner round; the second recipient was never imported and must count nowhere
        for (int i = 0; i < 250; i++) {
            Response created = create("""
                    {"title":"Order %d","body":"Ready","audience":{"recipients":["%2$s-r","%2$s-gone"]},"channels":["INBOX","PUSH"]}""".formatted(i, city));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            ids.add(created.json().path("id").asString());
        }

        for (String id : ids) {
            JsonNode stats = awaitStatus(id, "SENT");
            assertThat(stats.path("targeted").asLong()).isEqualTo(1);
            assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(1);
            assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(1);
            assertThat(stats.path("packages").path("total").asLong()).isEqualTo(2);
            // why: inbox packages are recorded many at once; each message still ends exactly once
            List<String> types = eventTypes(id);
            assertThat(types).filteredOn("PACKAGE_DONE"::equals).hasSize(2);
            assertThat(types).filteredOn("SENT"::equals).hasSize(1);
            assertThat(types.getLast()).isEqualTo("SENT");
        }
        assertThat(GATEWAY.deliveredCount(token)).isEqualTo(250);
    }

    @Test
    void transientGatewayFailuresAreRetriedAndPermanentOnesDeadLettered() {
        String city = unique("rt");
        rider(city + "-1", city, city + "-t1");
        rider(city + "-2", city, "invalid-" + city);
        GATEWAY.failNext(2, 503);
        String id = create("""
                        {"title":"t","body":"b","audience":{"recipients":["%1$s-1","%1$s-2"]},"channels":["PUSH"]}""".formatted(city)).json().path("id").asString();

        JsonNode stats = awaitStatus(id, "SENT");

        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(1);
        assertThat(stats.path("failed").asLong()).isEqualTo(1);
        assertThat(GATEWAY.deliveredCount(city + "-t1")).isEqualTo(1);
        assertThat(api.get("/api/v1/messages/" + id + "/events", ADMIN_KEY).body())
                .contains("PACKAGE_RETRY");
    }

    @Test
    void packageRejectedByTheGatewayBecomesARetryableDeadLetter() {
        String city = unique("dead");
        rider(city + "-1", city, city + "-t1");
        GATEWAY.failNext(1, 400);
        String id = create("""
                        {"title":"t","body":"b","audience":{"recipients":["%1$s-1"]},"channels":["PUSH"]}""".formatted(city)).json().path("id").asString();

        JsonNode stats = awaitStatus(id, "FAILED");
        assertThat(stats.path("failed").asLong()).isEqualTo(1);
        JsonNode dead = api.get("/api/v1/messages/" + id + "/packages?state=failed", ADMIN_KEY)
                .json()
                .path("items")
                .get(0);
        assertThat(dead.path("lastError").asString()).isNotBlank();
        assertThat(api.get("/api/v1/dead-letters", ADMIN_KEY).body()).contains(id);

        Response retried =
                api.postJson("/api/v1/dead-letters/" + dead.path("id").asLong() + "/retry", ADMIN_KEY, "");
        assertThat(retried.status()).as("%s", retried).isEqualTo(200);

        JsonNode after = awaitStatus(id, "SENT");
        assertThat(after.path("failed").asLong()).isZero();
        assertThat(after.path("delivered").path("PUSH").asLong()).isEqualTo(1);
        assertThat(GATEWAY.deliveredCount(city + "-t1")).isEqualTo(1);
        // why: the retry is a new attempt, not the first one again, so its batch id is new too
        assertThat(api.get("/api/v1/messages/" + id + "/packages", ADMIN_KEY)
                        .json()
                        .path("items")
                        .get(0)
                        .path("attempts")
                        .asInt())
                .isEqualTo(2);
        assertThat(GATEWAY.batchIds())
                .anyMatch(batch -> batch.startsWith(dead.path("id").asLong() + "-2-"));
    }

    @Test
    void aBroadcastWhosePushesAllFailStaysInTheInbox() {
        String city = unique("inbox-kept");
        rider(city + "-1", city, city + "-t1");
        GATEWAY.failNext(1, 400);
        String id = create("""
                        {"title":"Depot closed","body":"Use the north gate","audience":{"kinds":["rider"],"cities":["%s"]},
                         "channels":["INBOX","PUSH"],"pinned":true}""".formatted(city)).json().path("id").asString();

        // why: the inbox has the broadcast from the moment it is published; only the push failed
        JsonNode stats = awaitStatus(id, "SENT");

        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(1);
        assertThat(stats.path("failed").asLong()).isEqualTo(1);
        assertThat(stats.path("packages").path("failed").asLong()).isEqualTo(1);
        JsonNode inbox = api.get("/api/v1/inbox", tokenFor(city + "-1")).json();
        assertThat(inbox.path("items").toString()).contains(id);
    }

    @Test
    void idempotencyKeyReturnsTheFirstMessage() {
        String body = """
                {"title":"once","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX"],"draft":true}""".formatted(unique("idem"));
        String key = unique("key");
        Response first = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, Map.of("Idempotency-Key", key));
        Response again = api.send(
                "POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, Map.of("Idempotency-Key", key));
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asString())
                .isEqualTo(first.json().path("id").asString());

        Response different = api.send(
                "POST",
                "/api/v1/messages",
                ADMIN_KEY,
                "application/json",
                body.replace("once", "twice"),
                Map.of("Idempotency-Key", key));
        assertProblem(different).is(422, "unprocessable");
    }

    @Test
    void concurrentDuplicatesCreateOneMessage() throws Exception {
        String body = """
                {"title":"race","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX"],"draft":true}""".formatted(unique("race"));
        String key = unique("key");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Response>>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> api.send(
                        "POST",
                        "/api/v1/messages",
                        ADMIN_KEY,
                        "application/json",
                        body,
                        Map.of("Idempotency-Key", key))));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            int created = 0;
            for (var future : futures) {
                Response r = future.get();
                assertThat(r.status()).as("%s", r).isIn(200, 201);
                created += r.status() == 201 ? 1 : 0;
                ids.add(r.json().path("id").asString());
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void draftsAreEditedSentAndIllegalTransitionsRefused() {
        String recipient = unique("dr");
        rider(recipient, unique("c"), recipient + "-t");
        String id = create("""
                        {"title":"draft","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX"],"draft":true}""".formatted(recipient)).json().path("id").asString();
        assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("DRAFT");
        Response edited =
                api.send("PATCH", "/api/v1/messages/" + id, ADMIN_KEY, "application/json", "{\"title\":\"final\"}");
        assertThat(edited.json().path("title").asString()).isEqualTo("final");

        assertThat(api.postJson("/api/v1/messages/" + id + "/send", ADMIN_KEY, "")
                        .status())
                .isEqualTo(200);
        awaitStatus(id, "SENT");

        assertProblem(api.postJson("/api/v1/messages/" + id + "/send", ADMIN_KEY, ""))
                .is(409, "conflict");
        assertProblem(api.postJson("/api/v1/messages/" + id + "/cancel", ADMIN_KEY, ""))
                .is(409, "conflict");
        assertProblem(api.send("PATCH", "/api/v1/messages/" + id, ADMIN_KEY, "application/json", "{\"title\":\"x\"}"))
                .is(409, "conflict");
        assertThat(api.postJson("/api/v1/messages/" + id + "/revoke", ADMIN_KEY, "")
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("REVOKED");
        assertProblem(api.postJson("/api/v1/messages/" + id + "/revoke", ADMIN_KEY, ""))
                .is(409, "conflict");
    }

    @Test
    void aDraftWhoseValidityEndedIsNotSentAndStaysADraft() {
        String recipient = unique("exp");
        rider(recipient, unique("c"), recipient + "-t");
        String id = create("""
                        {"title":"t","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX","PUSH"],
                         "draft":true,"validUntil":"%s"}""".formatted(recipient, Instant.now().plus(Duration.ofHours(1))))
                .json()
                .path("id")
                .asString();
        // why: the window ends while the message waits as a draft, without waiting for the clock
        storedTimes(id, "null", "now() - interval '1 second'");

        assertProblem(api.postJson("/api/v1/messages/" + id + "/send", ADMIN_KEY, ""))
                .is(400, "validation-failed")
                .namesField("validUntil");

        JsonNode after = api.get("/api/v1/messages/" + id, ADMIN_KEY).json();
        assertThat(after.path("status").asString()).isEqualTo("DRAFT");
        assertThat(after.has("sendAt")).isFalse();
        assertThat(eventTypes(id)).containsExactly("CREATED");
    }

    @Test
    void aDraftPastItsSendAtGoesOutOnlyWhileItIsStillValid() {
        String recipient = unique("late");
        rider(recipient, unique("c"), recipient + "-t");
        Instant now = Instant.now();
        String id = create("""
                        {"title":"t","body":"b","audience":{"recipients":["%s"]},"channels":["INBOX"],"draft":true,
                         "sendAt":"%s","validUntil":"%s"}""".formatted(recipient, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2))))
                .json()
                .path("id")
                .asString();
        storedTimes(id, "now() - interval '2 hours'", "now() - interval '1 hour'");

        assertProblem(api.postJson("/api/v1/messages/" + id + "/send", ADMIN_KEY, ""))
                .is(400, "validation-failed")
                .namesField("validUntil");
        assertThat(eventTypes(id)).containsExactly("CREATED");

        storedTimes(id, "now() - interval '2 hours'", "now() + interval '1 hour'");
        Response sent = api.postJson("/api/v1/messages/" + id + "/send", ADMIN_KEY, "");
        assertThat(sent.status()).as("%s", sent).isEqualTo(200);
        assertThat(awaitStatus(id, "SENT").path("delivered").path("INBOX").asLong())
                .isEqualTo(1);
    }

    @Test
    void aScheduledMessageWhoseValidityEndsBeforeItIsSentIsCanceledUnsent() {
        String city = unique("expired");
        String recipient = city + "-r";
        rider(recipient, city, recipient + "-t");
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (String audience : List.of(
                "{\"recipients\":[\"%s\"]}".formatted(recipient),
                "{\"kinds\":[\"rider\"],\"cities\":[\"%s\"]}".formatted(city))) {
            Response created =
                    create("""
                    {"title":"Lunch bonus","body":"Until 14:00","audience":%s,"channels":["INBOX","PUSH"],
                     "sendAt":"%s","validUntil":"%s"}""".formatted(audience, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2))));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            ids.add(created.json().path("id").asString());
        }
        // why: as if the service had been down (or busy) from before the send time until after the end
        ids.forEach(id -> storedTimes(id, "now() - interval '2 hours'", "now() - interval '1 second'"));

        for (String id : ids) {
            JsonNode stats = awaitStatus(id, "CANCELED");
            assertThat(stats.path("targeted").asLong()).isZero();
            assertThat(stats.path("packages").path("total").asLong()).isZero();
            assertThat(eventTypes(id)).containsExactly("CREATED", "CANCELED");
            JsonNode canceled = api.get("/api/v1/messages/" + id + "/events", ADMIN_KEY)
                    .json()
                    .path("items")
                    .get(1);
            assertThat(canceled.path("detail").asString()).isEqualTo("validity ended before sending started");
        }
        assertThat(GATEWAY.deliveredCount(recipient + "-t")).isZero();
        assertThat(api.get("/api/v1/inbox", tokenFor(recipient)).body()).doesNotContain(ids.get(0), ids.get(1));
    }

    /** Moves a stored message's send time and validity end, as if time had passed. */
    private void storedTimes(String id, String sendAt, String validUntil) {
        int updated = jdbc.sql("update messages set send_at = " + sendAt + ", valid_until = " + validUntil
                        + " where id = cast(:id as uuid)")
                .param("id", id)
                .update();
        assertThat(updated).isEqualTo(1);
    }

    @Test
    void scheduledMessagesWaitForTheirTimeAndCanBeCanceled() {
        String id = create(
                        """
                        {"title":"later","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},"channels":["INBOX"],
                         "sendAt":"%s"}""".formatted(unique("later"), java.time.Instant.now().plus(Duration.ofDays(1))))
                .json()
                .path("id")
                .asString();
        assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("SCHEDULED");
        assertThat(api.postJson("/api/v1/messages/" + id + "/cancel", ADMIN_KEY, "")
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("CANCELED");
    }

    @Test
    void invalidMessagesAreRejectedAndNothingIsStored() {
        String marker = unique("nothing");
        assertProblem(create("{\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"INBOX\"]}"))
                .is(400, "validation-failed")
                .namesField("title");
        assertProblem(create("{\"title\":\"" + marker + "\",\"body\":\"b\",\"channels\":[\"INBOX\"]}"))
                .is(400, "validation-failed")
                .namesField("audience");
        assertProblem(create("{\"title\":\"" + marker
                        + "\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"FAX\"]}"))
                .is(400, "validation-failed")
                .namesField("channels[0]");
        assertProblem(
                        create(
                                "{\"title\":\"" + marker
                                        + "\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"],\"cities\":[\"x\"]},\"channels\":[\"INBOX\"]}"))
                .is(400, "validation-failed")
                .namesField("audience");
        assertProblem(create("{\"title\":\"" + marker
                        + "\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"INBOX\"],"
                        + "\"validUntil\":\"2000-01-01T00:00:00Z\"}"))
                .is(400, "validation-failed")
                .namesField("validUntil");
        assertProblem(
                        create(
                                "{\"title\":\"" + marker
                                        + "\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"INBOX\"],\"sendAt\":\"soon\"}"))
                .is(400, "validation-failed")
                .namesField("sendAt");
        assertProblem(create("{\"title\":\"" + "x".repeat(201)
                        + "\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"INBOX\"]}"))
                .is(400, "validation-failed")
                .namesField("title");
        assertProblem(
                        create(
                                "{\"title\":\"t\",\"body\":\"b\",\"audience\":{\"recipients\":[\"a\"]},\"channels\":[\"INBOX\"],\"x\":1}"))
                .is(400, "unknown-field");
        assertThat(api.get("/api/v1/messages?q=" + marker, ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .isZero();
        assertProblem(api.get("/api/v1/messages/not-a-uuid", ADMIN_KEY)).is(400, "validation-failed");
        assertProblem(api.get("/api/v1/messages/" + UUID.randomUUID(), ADMIN_KEY))
                .is(404, "not-found");
    }

    @Test
    void aNulCharacterIsRejectedNamingItsFieldAndNothingIsStored() {
        String marker = unique("nul");
        String message = """
                {"title":"%s","body":"%s","category":"%s","audience":{"recipients":["a"]},"channels":["INBOX"]}""";
        assertProblem(create(message.formatted(marker + "\\u0000", "b", "news")))
                .is(400, "validation-failed")
                .namesField("title")
                .detailContains("NUL");
        assertProblem(create(message.formatted(marker, "a\\u0000b", "news")))
                .is(400, "validation-failed")
                .namesField("body");
        assertProblem(create(message.formatted(marker, "b", "news\\u0000")))
                .is(400, "validation-failed")
                .namesField("category");
        assertThat(api.get("/api/v1/messages?q=" + marker, ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .isZero();
    }

    @Test
    void searchParametersWithANulCharacterAreRejectedNamingThem() {
        for (String parameter : List.of("q", "category", "city", "kind")) {
            assertProblem(api.get("/api/v1/messages?" + parameter + "=a%00b", ADMIN_KEY))
                    .is(400, "validation-failed")
                    .namesField(parameter);
        }
    }

    @Test
    void timestampsOutsideTheYears1970To9999AreRejectedNamingTheField() {
        String marker = unique("when");
        String message = """
                {"title":"%s","body":"b","audience":{"recipients":["a"]},"channels":["INBOX"],"%s":"%s"}""";
        for (String field : List.of("validFrom", "validUntil", "sendAt")) {
            for (String instant : List.of("+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z", "1969-12-31T23:59:59Z")) {
                assertProblem(create(message.formatted(marker, field, instant)))
                        .is(400, "validation-failed")
                        .namesField(field);
            }
        }
        assertThat(api.get("/api/v1/messages?q=" + marker, ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .isZero();
        for (String parameter : List.of("from", "to")) {
            for (String instant : List.of("%2B300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z")) {
                assertProblem(api.get("/api/v1/messages?" + parameter + "=" + instant, ADMIN_KEY))
                        .is(400, "validation-failed")
                        .namesField(parameter);
            }
        }
        String farCursor = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("+300000-01-01T00:00:00Z|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        assertProblem(api.get("/api/v1/messages?cursor=" + farCursor, ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("cursor");
    }

    @Test
    void aNullInASegmentListIsRejectedNamingIt() {
        String marker = unique("null");
        for (String list : List.of("kinds", "cities", "tags")) {
            String audience = """
                    {"kinds":%s,"cities":%s,"tags":%s}""".formatted(
                            list.equals("kinds") ? "[null]" : "[\"rider\"]",
                            list.equals("cities") ? "[null]" : "[\"shanghai\"]",
                            list.equals("tags") ? "[null]" : "[]");
            assertProblem(create("""
                            {"title":"%s","body":"b","audience":%s,"channels":["INBOX"]}""".formatted(marker, audience)))
                    .is(400, "validation-failed")
                    .namesField("audience." + list + "[0]");
        }
        assertThat(api.get("/api/v1/messages?q=" + marker, ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .isZero();
    }

    @Test
    void searchFindsByTextCityAndStatus() {
        String city = unique("srch");
        String word = "zephyr" + city.substring(city.length() - 6).replaceAll("[^a-z]", "q");
        create("""
                {"title":"Storm %s","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},"channels":["INBOX"],
                 "draft":true}""".formatted(word, city));
        JsonNode found = api.get("/api/v1/messages?q=" + word + "&city=" + city + "&status=DRAFT", ADMIN_KEY)
                .json();
        assertThat(found.path("items").size()).isEqualTo(1);
        assertThat(api.get("/api/v1/messages?q=" + word + "&status=SENT", ADMIN_KEY)
                        .json()
                        .path("items")
                        .size())
                .isZero();
        assertProblem(api.get("/api/v1/messages?status=LOST", ADMIN_KEY)).is(400, "validation-failed");
        assertProblem(api.get("/api/v1/messages?limit=0", ADMIN_KEY)).is(400, "validation-failed");
    }

    @Test
    void uploadedAudiencesCanBeAddressed() {
        String city = unique("up");
        rider(city + "-1", city, city + "-t1");
        Response uploaded = api.send(
                "POST", "/api/v1/audiences", ADMIN_KEY, "text/plain", city + "-1\n\n" + city + "-2\nnot valid!\n");
        assertThat(uploaded.status()).as("%s", uploaded).isEqualTo(201);
        assertThat(uploaded.json().path("size").asLong()).isEqualTo(2);
        assertThat(uploaded.json().path("rejected").asLong()).isEqualTo(1);
        String id = create("""
                        {"title":"t","body":"b","audience":{"audienceId":"%s"},"channels":["PUSH"]}""".formatted(uploaded.json().path("audienceId").asString()))
                .json()
                .path("id")
                .asString();
        JsonNode stats = awaitStatus(id, "SENT");
        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(1);
    }

    @Test
    void emptyAudiencesAreRefused() {
        // why: JdbcAudienceStoreIT shows that a refused upload keeps nothing
        assertProblem(api.send("POST", "/api/v1/audiences", ADMIN_KEY, "text/plain", "\n \nnot valid!\n"))
                .is(400, "validation-failed")
                .namesField("body");

        UUID empty = UUID.randomUUID();
        jdbc.sql("insert into audiences (id, size) values (:id, 0)")
                .param("id", empty)
                .update();
        assertProblem(create("""
                        {"title":"t","body":"b","audience":{"audienceId":"%s"},"channels":["INBOX"]}""".formatted(empty))).is(400, "validation-failed").namesField("audience.audienceId");
    }
}
