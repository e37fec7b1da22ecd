package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A one-page list's inbox packages are delivered by the transaction that plans them, not by a
 * worker. This instance runs no direct-lane worker, so whatever a direct send leaves to the queue
 * stays pending where the test can see it, and delivers nothing on create (DeliveryOnCreateIT), so
 * that every send here is planned.
 */
class InboxInPlanningIT extends ServiceIT {

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void noDirectWorkers(DynamicPropertyRegistry registry) {
        registry.add("mc.test.database-folder", () -> "inbox-in-planning");
        registry.add("messagecenter.coordinator.direct-workers", () -> "0");
        registry.add("messagecenter.coordinator.deliver-on-create", () -> "false");
    }

    @AfterEach
    void writable() {
        jdbc.sql("drop trigger if exists refuse_inbox on inbox_entries").update();
        jdbc.sql("drop trigger if exists refuse_package_done on message_events").update();
    }

    /** A trigger function that fails the statement that fires it. */
    private void refusing() {
        jdbc.sql("""
                        create or replace function refuse() returns trigger language plpgsql as $$
                        begin raise exception 'refused for the test'; end $$
                        """).update();
    }

    private void rider(String id) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"c-%s","channels":{"push":[{"platform":"android","token":"%s-t"}]}}""".formatted(id, id));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    private String send(String recipient, String channels) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Order ready","body":"Pick it up at the counter","audience":{"recipients":["%s"]},
                 "channels":%s}""".formatted(recipient, channels));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.json().path("lane").asString()).isEqualTo("direct");
        // why: deliver-on-create is off here; the planner sends it
        assertThat(created.json().path("status").asString()).isEqualTo("SCHEDULED");
        return created.json().path("id").asString();
    }

    /** State and attempts of the message's package on each channel. */
    private Map<String, String> packages(String id) {
        return jdbc
                .sql("select channel, state || '/' || attempts from packages where message_id = :id")
                .param("id", UUID.fromString(id))
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void aDirectInboxSendEndsSentWithoutAWorker() {
        String rider = unique("solo");
        rider(rider);
        String token = tokenFor(rider);

        String id = send(rider, "[\"INBOX\"]");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(id))
                        .containsExactly("CREATED", "SENDING", "PLANNED", "PACKAGE_DONE", "SENT"));
        assertThat(packages(id)).containsExactly(Map.entry("INBOX", "done/1"));
        assertThat(api.get("/api/v1/inbox", token).body()).contains(id);
        JsonStats stats = stats(id);
        assertThat(stats.status()).isEqualTo("SENT");
        assertThat(stats.inbox()).isEqualTo(1);
    }

    @Test
    void theInboxIsWrittenAtPlanningWhileThePushWaitsForAWorker() {
        String rider = unique("both");
        rider(rider);
        String token = tokenFor(rider);

        String id = send(rider, "[\"INBOX\",\"PUSH\"]");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(packages(id))
                        .containsOnly(Map.entry("INBOX", "done/1"), Map.entry("PUSH", "pending/0")));
        assertThat(api.get("/api/v1/inbox", token).body()).contains(id);
        assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED", "PACKAGE_DONE");
        JsonStats stats = stats(id);
        assertThat(stats.status()).isEqualTo("SENDING");
        assertThat(stats.inbox()).isEqualTo(1);
        assertThat(GATEWAY.deliveredCount(rider + "-t")).isZero();
    }

    @Test
    void aFailedInboxWriteLeavesThePlanningCommittedAndThePackageToTheQueue() {
        String rider = unique("refused");
        rider(rider);
        refusing();
        jdbc.sql("""
                        create trigger refuse_inbox before insert on inbox_entries
                        for each row execute function refuse()
                        """).update();

        String id = send(rider, "[\"INBOX\"]");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED"));
        assertThat(packages(id)).containsExactly(Map.entry("INBOX", "pending/0"));
        assertThat(stats(id).status()).isEqualTo("SENDING");
        assertThat(jdbc.sql("select count(*) from inbox_entries where message_id = :id")
                        .param("id", UUID.fromString(id))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aFailureAfterTheInboxWriteCountsNothingOfWhatWasRolledBack() {
        String rider = unique("late-failure");
        rider(rider);
        refusing();
        // why: fails the last statements of the delivery's record, after its counters were known
        jdbc.sql("""
                        create trigger refuse_package_done before insert on message_events
                        for each row when (new.type = 'PACKAGE_DONE') execute function refuse()
                        """).update();

        String id = send(rider, "[\"INBOX\"]");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(id)).containsExactly("CREATED", "SENDING", "PLANNED"));
        assertThat(packages(id)).containsExactly(Map.entry("INBOX", "pending/0"));
        assertThat(stats(id)).isEqualTo(new JsonStats("SENDING", 0));
    }

    private record JsonStats(String status, long inbox) {}

    private JsonStats stats(String id) {
        var stats = api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
        return new JsonStats(
                stats.path("status").asString(),
                stats.path("delivered").path("INBOX").asLong());
    }
}
