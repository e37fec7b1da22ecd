package dev.messagecenter.inbox;

import static dev.messagecenter.inbox.TestMessages.aBroadcast;
import static dev.messagecenter.inbox.TestMessages.aListMessage;
import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.stats.Counters;
import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The receiver's inbox over the API, with messages written straight into the database. */
class InboxIT extends ServiceIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Counters counters;

    @Test
    void pinnedUnreadComeFirstAndReadPinnedFallBackInTime() {
        String city = unique("city");
        String token = tokenFor(recipient("rider", city));
        UUID oldPinned =
                aBroadcast().inCities(city).pinned().publishedAt(ago(4)).insert(jdbc);
        UUID old = aBroadcast().inCities(city).publishedAt(ago(3)).insert(jdbc);
        UUID newPinned =
                aBroadcast().inCities(city).pinned().publishedAt(ago(2)).insert(jdbc);
        UUID recent = aBroadcast().inCities(city).publishedAt(ago(1)).insert(jdbc);

        assertThat(ids(inbox(token, ""))).containsExactly(newPinned, oldPinned, recent, old);

        assertThat(api.postJson("/api/v1/inbox/" + newPinned + "/read", token, "")
                        .status())
                .isEqualTo(204);

        JsonNode page = inbox(token, "");
        assertThat(ids(page)).containsExactly(oldPinned, recent, newPinned, old);
        JsonNode read = page.path("items").get(2);
        assertThat(read.path("pinned").asBoolean()).isTrue();
        assertThat(read.hasNonNull("readAt")).isTrue();
        assertThat(page.path("items").get(0).hasNonNull("readAt")).isFalse();
    }

    @Test
    void showsMessagesOnlyWithinTheirValidityWindow() {
        String city = unique("city");
        String token = tokenFor(recipient("rider", city));
        UUID open = aBroadcast().inCities(city).insert(jdbc);
        UUID current = aBroadcast()
                .inCities(city)
                .validFrom(NOW.minus(Duration.ofHours(1)))
                .validUntil(NOW.plus(Duration.ofHours(1)))
                .insert(jdbc);
        aBroadcast().inCities(city).validFrom(NOW.plus(Duration.ofHours(1))).insert(jdbc);
        aBroadcast().inCities(city).validUntil(NOW.minus(Duration.ofMinutes(1))).insert(jdbc);

        JsonNode page = inbox(token, "");
        assertThat(ids(page)).containsExactlyInAnyOrder(open, current);
        assertThat(unread(token)).isEqualTo(2);
    }

    @Test
    void revokedCanceledAndUnsentMessagesAreNotInTheInbox() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        UUID sent = aBroadcast().inCities(city).insert(jdbc);
        UUID sending = aBroadcast().inCities(city).status("SENDING").insert(jdbc);
        UUID toBeRevoked = aBroadcast().inCities(city).insert(jdbc);
        UUID listed = aListMessage(recipient).insert(jdbc);
        for (String status : List.of("DRAFT", "SCHEDULED", "CANCELED", "REVOKED", "FAILED")) {
            aBroadcast().inCities(city).status(status).insert(jdbc);
            aListMessage(recipient).status(status).insert(jdbc);
        }
        aBroadcast().inCities(city).onChannels("PUSH").insert(jdbc);
        assertThat(ids(inbox(token, ""))).containsExactlyInAnyOrder(sent, sending, toBeRevoked, listed);

        jdbc.sql("update messages set status = 'REVOKED' where id in (:a, :b)")
                .param("a", toBeRevoked)
                .param("b", listed)
                .update();

        assertThat(ids(inbox(token, ""))).containsExactlyInAnyOrder(sent, sending);
        assertProblem(api.postJson("/api/v1/inbox/" + toBeRevoked + "/read", token, ""))
                .is(404, "not-found");
    }

    @Test
    void broadcastsReachRecipientsMatchingKindCityAndTags() {
        String city = unique("city");
        String elsewhere = unique("city");
        String tag = unique("tag");
        String vipRider = recipient("rider", city, "vip", tag);
        String plainRider = recipient("rider", city);
        String merchant = recipient("merchant", city, "vip", tag);
        String farRider = recipient("rider", elsewhere, "vip", tag);

        UUID riders = aBroadcast().toKinds("rider").inCities(city).insert(jdbc);
        UUID everyoneHere = aBroadcast().inCities(city).insert(jdbc);
        UUID multiCity = aBroadcast()
                .toKinds("rider", "driver")
                .inCities(elsewhere, city)
                .insert(jdbc);
        UUID vips = aBroadcast().inCities(city).withTags("vip").insert(jdbc);
        UUID vipsWithTag = aBroadcast().inCities(city).withTags("vip", tag).insert(jdbc);
        aBroadcast().inCities(city).withTags("vip", unique("tag")).insert(jdbc);
        aBroadcast().toKinds("driver").inCities(city).insert(jdbc);
        // why: every city, narrowed by a tag only this test's recipients carry, so other tests are unaffected
        UUID everyCity = aBroadcast().toKinds("rider").withTags(tag).insert(jdbc);

        assertThat(ids(inbox(tokenFor(vipRider), "")))
                .containsExactlyInAnyOrder(riders, everyoneHere, multiCity, vips, vipsWithTag, everyCity);
        assertThat(ids(inbox(tokenFor(plainRider), ""))).containsExactlyInAnyOrder(riders, everyoneHere, multiCity);
        assertThat(ids(inbox(tokenFor(merchant), ""))).containsExactlyInAnyOrder(everyoneHere, vips, vipsWithTag);
        assertThat(ids(inbox(tokenFor(farRider), ""))).containsExactlyInAnyOrder(multiCity, everyCity);
    }

    @Test
    void inactiveRecipientSeesAnEmptyInbox() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        UUID broadcast = aBroadcast().inCities(city).insert(jdbc);
        aListMessage(recipient).insert(jdbc);
        assertThat(ids(inbox(token, ""))).hasSize(2);

        assertThat(api.delete("/api/v1/recipients/" + recipient, ADMIN_KEY).status())
                .isEqualTo(204);

        assertThat(ids(inbox(token, ""))).isEmpty();
        assertThat(unread(token)).isZero();
        assertProblem(api.postJson("/api/v1/inbox/" + broadcast + "/read", token, ""))
                .is(404, "not-found");
    }

    @Test
    void explicitEntriesAreVisibleOnlyToTheirRecipient() {
        String city = unique("city");
        String addressee = recipient("rider", city);
        String neighbour = recipient("rider", city);
        UUID direct = aListMessage(addressee).insert(jdbc);

        assertThat(ids(inbox(tokenFor(addressee), ""))).containsExactly(direct);
        String neighbourToken = tokenFor(neighbour);
        assertThat(ids(inbox(neighbourToken, ""))).isEmpty();
        assertProblem(api.postJson("/api/v1/inbox/" + direct + "/read", neighbourToken, ""))
                .is(404, "not-found");
        assertThat(readCount(direct)).isZero();
    }

    @Test
    void aBroadcastThatAlsoHasAnEntryIsListedOnce() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        UUID both = aBroadcast().inCities(city).withEntriesFor(recipient).insert(jdbc);
        UUID everyCity =
                aBroadcast().withTags(unique("tag")).withEntriesFor(recipient).insert(jdbc);

        assertThat(ids(inbox(token, ""))).containsExactlyInAnyOrder(both, everyCity);
        assertThat(unread(token)).isEqualTo(2);
    }

    @Test
    void pagingWithTheCursorReturnsEveryMessageExactlyOnce() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        List<UUID> inserted = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // why: groups of three share a publication time, so ties are broken by id across pages
            TestMessages message = aBroadcast().inCities(city).publishedAt(ago(i / 3));
            if (i % 5 == 0) {
                message.pinned();
            }
            inserted.add(message.insert(jdbc));
        }
        for (int i = 0; i < 4; i++) {
            inserted.add(aListMessage(recipient).publishedAt(ago(i)).insert(jdbc));
        }
        inserted.add(aBroadcast().inCities(city).publishedAt(null).insert(jdbc));
        api.postJson("/api/v1/inbox/" + inserted.get(5) + "/read", token, "");

        List<UUID> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = inbox(token, "?limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.path("items").size()).isBetween(1, 4);
            walked.addAll(ids(page));
            cursor = page.hasNonNull("nextCursor") ? page.path("nextCursor").asString() : null;
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(7);
        assertThat(walked).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(inserted);
        assertThat(walked).containsExactlyElementsOf(ids(inbox(token, "?limit=100")));
    }

    @Test
    void countsUnreadMessages() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        UUID first = aBroadcast().inCities(city).insert(jdbc);
        aBroadcast().inCities(city).pinned().insert(jdbc);
        aListMessage(recipient).insert(jdbc);
        assertThat(unread(token)).isEqualTo(3);

        api.postJson("/api/v1/inbox/" + first + "/read", token, "");

        assertThat(unread(token)).isEqualTo(2);
    }

    @Test
    void readingCountsOnceEvenWhenRepeated() {
        String city = unique("city");
        String reader = recipient("rider", city);
        String other = recipient("rider", city);
        String token = tokenFor(reader);
        UUID broadcast = aBroadcast().inCities(city).insert(jdbc);
        UUID direct = aListMessage(reader).insert(jdbc);
        UUID later = aBroadcast().inCities(city).insert(jdbc);

        assertThat(api.postJson("/api/v1/inbox/" + broadcast + "/read", token, "")
                        .status())
                .isEqualTo(204);
        assertThat(api.postJson("/api/v1/inbox/" + broadcast + "/read", token, "")
                        .status())
                .isEqualTo(204);
        assertThat(readCount(broadcast)).isEqualTo(1);

        assertThat(api.postJson("/api/v1/inbox/read-all", token, "")
                        .json()
                        .path("marked")
                        .asInt())
                .isEqualTo(2);
        assertThat(api.postJson("/api/v1/inbox/read-all", token, "")
                        .json()
                        .path("marked")
                        .asInt())
                .isZero();
        assertThat(readCount(broadcast)).isEqualTo(1);
        assertThat(readCount(direct)).isEqualTo(1);
        assertThat(readCount(later)).isEqualTo(1);
        assertThat(unread(token)).isZero();

        api.postJson("/api/v1/inbox/" + broadcast + "/read", tokenFor(other), "");
        assertThat(readCount(broadcast)).isEqualTo(2);
    }

    @Test
    void concurrentReadsOfOneMessageCountOnce() throws Exception {
        String city = unique("city");
        String token = tokenFor(recipient("rider", city));
        UUID message = aBroadcast().inCities(city).insert(jdbc);
        UUID other = aBroadcast().inCities(city).insert(jdbc);

        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> api.postJson("/api/v1/inbox/" + message + "/read", token, "")
                    .status());
            calls.add(() -> api.postJson("/api/v1/inbox/read-all", token, "").status());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> result : pool.invokeAll(calls)) {
                assertThat(result.get()).isIn(200, 204);
            }
        }

        assertThat(readCount(message)).isEqualTo(1);
        assertThat(readCount(other)).isEqualTo(1);
    }

    @Test
    void forceReadMessagesWaitForAnAcknowledgement() {
        String city = unique("city");
        String recipient = recipient("rider", city);
        String token = tokenFor(recipient);
        UUID mustRead = aBroadcast().inCities(city).forceRead().pinned().insert(jdbc);
        UUID alreadyRead = aListMessage(recipient).forceRead().insert(jdbc);
        UUID ordinary = aBroadcast().inCities(city).insert(jdbc);
        api.postJson("/api/v1/inbox/" + alreadyRead + "/read", token, "");

        JsonNode pending = api.get("/api/v1/inbox/force-read", token).json();
        assertThat(ids(pending)).containsExactlyInAnyOrder(mustRead, alreadyRead);
        assertThat(pending.path("items").get(0).path("forceRead").asBoolean()).isTrue();

        assertThat(api.postJson("/api/v1/inbox/" + mustRead + "/ack", token, "").status())
                .isEqualTo(204);
        assertThat(api.postJson("/api/v1/inbox/" + mustRead + "/ack", token, "").status())
                .isEqualTo(204);
        assertThat(api.postJson("/api/v1/inbox/" + alreadyRead + "/ack", token, "")
                        .status())
                .isEqualTo(204);

        assertThat(ids(api.get("/api/v1/inbox/force-read", token).json())).isEmpty();
        assertThat(counter(mustRead, "acked")).isEqualTo(1);
        assertThat(readCount(mustRead)).isEqualTo(1);
        assertThat(counter(alreadyRead, "acked")).isEqualTo(1);
        assertThat(readCount(alreadyRead)).isEqualTo(1);
        JsonNode acked = item(inbox(token, ""), mustRead);
        assertThat(acked.hasNonNull("ackedAt")).isTrue();
        assertThat(acked.hasNonNull("readAt")).isTrue();

        assertProblem(api.postJson("/api/v1/inbox/" + ordinary + "/ack", token, ""))
                .is(409, "conflict");
        assertThat(counter(ordinary, "acked")).isZero();
        assertThat(readCount(ordinary)).isZero();
    }

    @Test
    void someoneElsesMessageIsNotFound() {
        String city = unique("city");
        String caller = tokenFor(recipient("rider", city));
        UUID otherCity = aBroadcast().inCities(unique("city")).forceRead().insert(jdbc);
        UUID otherPerson = aListMessage(recipient("rider", city)).forceRead().insert(jdbc);

        for (UUID message : List.of(otherCity, otherPerson, UUID.randomUUID())) {
            assertProblem(api.postJson("/api/v1/inbox/" + message + "/read", caller, ""))
                    .is(404, "not-found");
            assertProblem(api.postJson("/api/v1/inbox/" + message + "/ack", caller, ""))
                    .is(404, "not-found");
        }
        assertThat(readCount(otherCity)).isZero();
        assertThat(jdbc.sql("select count(*) from inbox_reads where message_id in (:a, :b)")
                        .param("a", otherCity)
                        .param("b", otherPerson)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void badCursorLimitAndIdAreRejectedNamingTheField() {
        String token = tokenFor(recipient("rider", unique("city")));
        for (String limit : List.of("0", "101", "ten")) {
            assertProblem(api.get("/api/v1/inbox?limit=" + limit, token))
                    .is(400, "validation-failed")
                    .namesField("limit");
        }
        String farCursor = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("p|+300000-01-01T00:00:00Z|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("nonsense", "cnxub3Q", "!!", farCursor)) {
            assertProblem(api.get("/api/v1/inbox?cursor=" + cursor, token))
                    .is(400, "validation-failed")
                    .namesField("cursor");
        }
        assertProblem(api.postJson("/api/v1/inbox/not-a-uuid/read", token, ""))
                .is(400, "validation-failed")
                .namesField("messageId");
        assertProblem(api.postJson("/api/v1/inbox/not-a-uuid/ack", token, ""))
                .is(400, "validation-failed")
                .namesField("messageId");
    }

    @Test
    void theInboxNeedsAReceiverToken() {
        assertProblem(api.get("/api/v1/inbox", ADMIN_KEY)).is(401, "unauthorized");
        assertProblem(api.get("/api/v1/inbox/unread-count", ADMIN_KEY)).is(401, "unauthorized");
        assertProblem(api.postJson("/api/v1/inbox/read-all", ADMIN_KEY, "")).is(401, "unauthorized");
        assertProblem(api.get("/api/v1/inbox", null)).is(401, "unauthorized");
        assertProblem(api.send("GET", "/api/v1/inbox", null, null, null, Map.of("Authorization", "Bearer not a token")))
                .is(401, "unauthorized");
    }

    private String recipient(String kind, String city, String... tags) {
        String id = unique("r");
        String body = "{\"kind\":\"" + kind + "\",\"city\":\"" + city + "\",\"tags\":["
                + String.join(
                        ",", List.of(tags).stream().map(t -> "\"" + t + "\"").toList()) + "]}";
        Response created = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, body);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return id;
    }

    /**
     * Called before each inbox read: the tests write messages straight into the database, past the
     * code that tells the inbox's caches about changes, so a subclass with caches drops them here.
     */
    protected void messagesWrittenDirectly() {}

    private JsonNode inbox(String token, String query) {
        messagesWrittenDirectly();
        Response response = api.get("/api/v1/inbox" + query, token);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    private long unread(String token) {
        messagesWrittenDirectly();
        return api.get("/api/v1/inbox/unread-count", token)
                .json()
                .path("unread")
                .asLong();
    }

    private static List<UUID> ids(JsonNode list) {
        List<UUID> ids = new ArrayList<>();
        list.path("items")
                .forEach(item -> ids.add(UUID.fromString(item.path("messageId").asString())));
        return ids;
    }

    private static JsonNode item(JsonNode list, UUID messageId) {
        for (JsonNode item : list.path("items")) {
            if (item.path("messageId").asString().equals(messageId.toString())) {
                return item;
            }
        }
        throw new AssertionError(messageId + " not in " + list);
    }

    private long readCount(UUID messageId) {
        return counter(messageId, "read");
    }

    private long counter(UUID messageId, String name) {
        return counters.totals(messageId).getOrDefault(name, 0L);
    }

    private static Instant ago(int hours) {
        return NOW.minus(Duration.ofHours(hours)).minusSeconds(60);
    }
}
