package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A direct inbox send due now is delivered by the transaction that creates it: its 201 says
 * {@code SENT}, and the recipient's inbox lists it before any planner or worker has run. What the
 * create cannot finish alone is scheduled as before.
 */
class DeliveryOnCreateIT extends ServiceIT {

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void writable() {
        jdbc.sql("drop trigger if exists refuse_inbox_on_create on inbox_entries")
                .update();
    }

    private void rider(String id) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"c-%s","channels":{"push":[{"platform":"android","token":"%s-t"}]}}""".formatted(id, id));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    private Response send(String recipients, String channels, String extra) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Order ready","body":"Pick it up at the counter","audience":{"recipients":%s},
                 "channels":%s%s}""".formatted(recipients, channels, extra));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created;
    }

    private Map<String, String> packages(String id) {
        return jdbc
                .sql(
                        "select channel, state || '/' || attempts || '/' || delivered from packages where message_id = :id")
                .param("id", UUID.fromString(id))
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private JsonNode stats(String id) {
        return api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
    }

    @Test
    void theCreateOfADirectInboxSendDeliversIt() {
        String a = unique("now-a");
        String b = unique("now-b");
        rider(a);
        rider(b);
        String token = tokenFor(a);

        Response created = send("[\"%s\",\"%s\"]".formatted(a, b), "[\"INBOX\"]", "");
        String id = created.json().path("id").asString();

        assertThat(created.json().path("status").asString()).isEqualTo("SENT");
        assertThat(created.json().path("targeted").asLong()).isEqualTo(2);
        assertThat(api.get("/api/v1/inbox", token).body()).contains(id);
        assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED", "PACKAGE_DONE", "SENT");
        assertThat(packages(id)).containsExactly(Map.entry("INBOX", "done/1/2"));
        JsonNode stats = stats(id);
        assertThat(stats.path("status").asString()).isEqualTo("SENT");
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(2);
        assertThat(stats.path("packages").path("done").asLong()).isEqualTo(1);
        JsonNode trace = api.get("/api/v1/recipients/" + b + "/messages/" + id + "/trace", ADMIN_KEY)
                .json();
        assertThat(trace.path("channels").get(0).path("deliveredAt").isMissingNode())
                .as("%s", trace)
                .isFalse();
    }

    @Test
    void aRetriedCreateAnswersTheDeliveredMessageOnce() {
        String a = unique("again");
        rider(a);
        String body = """
                {"title":"Order ready","body":"Pick it up","audience":{"recipients":["%s"]},"channels":["INBOX"]}""".formatted(a);
        Map<String, String> key = Map.of("Idempotency-Key", unique("key"));

        Response first = api.send("POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, key);
        Response second = api.send("POST", "/api/v1/messages", ADMIN_KEY, "application/json", body, key);

        assertThat(first.status()).as("%s", first).isEqualTo(201);
        assertThat(second.status()).as("%s", second).isEqualTo(200);
        assertThat(second.json().path("id").asString())
                .isEqualTo(first.json().path("id").asString());
        assertThat(second.json().path("status").asString()).isEqualTo("SENT");
        assertThat(jdbc.sql("select count(*) from inbox_entries where recipient_id = :r")
                        .param("r", a)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void whatTheCreateCannotFinishAloneIsScheduled() {
        String a = unique("later");
        rider(a);
        String gone = unique("gone");
        rider(gone);
        assertThat(api.delete("/api/v1/recipients/" + gone, ADMIN_KEY).status()).isEqualTo(204);
        String list = "[\"%s\"]".formatted(a);

        Response withPush = send(list, "[\"INBOX\",\"PUSH\"]", "");
        Response forLater = send(
                list,
                "[\"INBOX\"]",
                ",\"sendAt\":\"%s\"".formatted(Instant.now().plusSeconds(1)));
        Response nobodyActive = send("[\"%s\"]".formatted(gone), "[\"INBOX\"]", "");

        for (Response created : List.of(withPush, forLater, nobodyActive)) {
            assertThat(created.json().path("status").asString())
                    .as("%s", created)
                    .isEqualTo("SCHEDULED");
        }
        for (Response created : List.of(withPush, forLater, nobodyActive)) {
            String id = created.json().path("id").asString();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(stats(id).path("status").asString()).isEqualTo("SENT"));
        }
        assertThat(stats(withPush.json().path("id").asString())
                        .path("delivered")
                        .path("PUSH")
                        .asLong())
                .isEqualTo(1);
        assertThat(stats(nobodyActive.json().path("id").asString())
                        .path("targeted")
                        .asLong())
                .isZero();
    }

    private void refuseInboxEntriesFor(String recipient) {
        jdbc.sql("""
                        create or replace function refuse_on_create() returns trigger language plpgsql as $$
                        begin raise exception 'refused for the test'; end $$
                        """).update();
        jdbc.sql("""
                        create trigger refuse_inbox_on_create before insert on inbox_entries
                        for each row when (new.recipient_id = '%s') execute function refuse_on_create()
                        """.formatted(recipient)).update();
    }

    @Test
    void aFailedDeliveryOnCreateLeavesNothingOfItAndSchedulesTheMessage() {
        String a = unique("refused");
        rider(a);
        refuseInboxEntriesFor(a);

        Response created = send("[\"%s\"]".formatted(a), "[\"INBOX\"]", "");
        String id = created.json().path("id").asString();

        assertThat(created.json().path("status").asString()).isEqualTo("SCHEDULED");
        assertThat(eventTypes(id)).startsWith("CREATED").doesNotContain("PACKAGE_DONE", "SENT");
        assertThat(stats(id).path("delivered").path("INBOX").asLong()).isZero();

        jdbc.sql("drop trigger refuse_inbox_on_create on inbox_entries").update();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(stats(id).path("status").asString()).isEqualTo("SENT"));
        assertThat(stats(id).path("delivered").path("INBOX").asLong()).isEqualTo(1);
        assertThat(eventTypes(id)).containsOnlyOnce("CREATED", "SENT");
    }

    @Test
    void concurrentCreatesAreStoredTogetherAndEachIsAnsweredAsIfAlone() throws Exception {
        int n = 40;
        List<String> riders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            riders.add(unique("group-" + i));
            rider(riders.get(i));
        }
        String refused = riders.get(0);
        String withPush = riders.get(1);
        String gone = riders.get(2);
        assertThat(api.delete("/api/v1/recipients/" + gone, ADMIN_KEY).status()).isEqualTo(204);
        refuseInboxEntriesFor(refused);

        List<Future<Response>> calls = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(n)) {
            CountDownLatch start = new CountDownLatch(1);
            for (String rider : riders) {
                String channels = rider.equals(withPush) ? "[\"INBOX\",\"PUSH\"]" : "[\"INBOX\"]";
                calls.add(callers.submit(() -> {
                    start.await();
                    return send("[\"%s\"]".formatted(rider), channels, "");
                }));
            }
            start.countDown();
        }
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Response created = calls.get(i).get();
            String rider = riders.get(i);
            ids.put(rider, created.json().path("id").asString());
            String expected = List.of(refused, withPush, gone).contains(rider) ? "SCHEDULED" : "SENT";
            assertThat(created.json().path("status").asString())
                    .as("%s: %s", rider, created)
                    .isEqualTo(expected);
        }
        for (String rider : riders.subList(3, n)) {
            String id = ids.get(rider);
            assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED", "PACKAGE_DONE", "SENT");
            assertThat(packages(id)).containsExactly(Map.entry("INBOX", "done/1/1"));
            assertThat(jdbc.sql("select count(*) from inbox_entries where recipient_id = :r")
                            .param("r", rider)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
        assertThat(eventTypes(ids.get(refused))).startsWith("CREATED").doesNotContain("PACKAGE_DONE", "SENT");

        jdbc.sql("drop trigger refuse_inbox_on_create on inbox_entries").update();
        for (String rider : List.of(refused, withPush, gone)) {
            String id = ids.get(rider);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(stats(id).path("status").asString()).isEqualTo("SENT"));
            assertThat(eventTypes(id)).containsOnlyOnce("CREATED", "SENT");
        }
        assertThat(stats(ids.get(refused)).path("delivered").path("INBOX").asLong())
                .isEqualTo(1);
        assertThat(stats(ids.get(withPush)).path("delivered").path("PUSH").asLong())
                .isEqualTo(1);
        assertThat(stats(ids.get(gone)).path("targeted").asLong()).isZero();
        assertThat(api.get("/actuator/prometheus", null).body())
                .contains("messagecenter_messages_group_commit_size_messages_count");
    }
}
