package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A package whose workers keep stopping while they deliver it (a crash loop) is handed out again
 * after each expired lease, but only {@code max-lost} (5) times: then it is a dead letter with its
 * reason instead of taking one more worker down. The package is written as a killed worker leaves
 * it (dispatched, its lease run out), and the service's own sweep and workers take it from there.
 */
class LostPackageIT extends ServiceIT {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPackageLostForTheFifthTimeIsDeadLetteredWithoutBeingSent() {
        String rider = rider(unique("crash-loop"));
        UUID message = sendingMessage();
        long id = killedWorkersPackage(message, rider, 4);

        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("failed"));

        assertThat(jdbc.sql("select lost || ' ' || last_error from packages where id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .startsWith("5 lease ran out 5 times");
        assertThat(GATEWAY.deliveredCount(rider + "-t")).isZero();
        Response deadLetters = api.get("/api/v1/dead-letters", ADMIN_KEY);
        assertThat(deadLetters.body()).contains(message.toString()).contains("lease ran out 5 times");
        assertThat(eventTypes(message.toString())).containsSubsequence("PACKAGE_FAILED", "FAILED");
        Response stats = api.get("/api/v1/messages/" + message + "/stats", ADMIN_KEY);
        assertThat(stats.json().path("status").asString()).isEqualTo("FAILED");
        assertThat(stats.json().path("failed").asLong()).isEqualTo(1);

        Response retried = api.postJson("/api/v1/dead-letters/" + id + "/retry", ADMIN_KEY, "");
        assertThat(retried.status()).as("%s", retried).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("done"));
        assertThat(GATEWAY.deliveredCount(rider + "-t")).isEqualTo(1);
        assertThat(jdbc.sql("select lost from packages where id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .as("the operator's retry starts the count again")
                .isZero();
    }

    @Test
    void aPackageLostFewerTimesIsDeliveredAgain() {
        String rider = rider(unique("lost-once-more"));
        UUID message = sendingMessage();
        long id = killedWorkersPackage(message, rider, 3);

        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("done"));

        assertThat(GATEWAY.deliveredCount(rider + "-t")).isEqualTo(1);
        assertThat(jdbc.sql("select lost from packages where id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(4);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/messages/" + message + "/stats", ADMIN_KEY)
                        .json()
                        .path("status")
                        .asString()
                        .equals("SENT"));
    }

    private String rider(String id) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"c-%s","channels":{"push":[{"platform":"android","token":"%s-t"}]}}""".formatted(id, id));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return id;
    }

    /** A planned direct PUSH message with one open package, as the planner leaves it. */
    private UUID sendingMessage() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status,
                            targeted, planned, packages_open, packages_total, published_at)
                        values (:id, 'Shift changed', 'See the new hours', 'general', 'list', array['PUSH'],
                            'direct', 'SENDING', 1, true, 1, 1, now())
                        """).param("id", id).update();
        return id;
    }

    /**
     * The message's package as a worker killed while delivering it leaves it: dispatched, its lease
     * run out, after {@code lost} earlier workers were lost the same way.
     */
    private long killedWorkersPackage(UUID message, String rider, int lost) {
        return jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, attempts, lost,
                            lease_until, first_attempt_at)
                        values (:message, 'PUSH', 'direct', 0, array[:rider], 'dispatched', :attempts, :lost,
                            now() - interval '1 second', now() - interval '1 minute')
                        returning id
                        """)
                .param("message", message)
                .param("rider", rider)
                .param("attempts", lost + 1)
                .param("lost", lost)
                .query(Long.class)
                .single();
    }

    private String state(long packageId) {
        return jdbc.sql("select state from packages where id = :id")
                .param("id", packageId)
                .query(String.class)
                .single();
    }
}
