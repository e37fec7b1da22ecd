package dev.messagecenter.delivery.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.testfixtures.TestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The inbox delivery's statements are prepared, so PostgreSQL ends up planning them generically
 * ({@code unnest} of a parameter estimated at 100 rows). Each recipient and each entry must still
 * be looked up by primary key, or every delivery reads a table that grows with every delivery.
 */
class InboxSenderPlanIT {

    private static HikariDataSource database;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        JdbcClient jdbc = JdbcClient.create(database);
        // why: a directory and an inbox table filled a moment ago, never analyzed
        jdbc.sql("""
                        insert into recipients (id, kind, city)
                        select 'plan-' || g, 'rider', 'c-' || (g % 10) from generate_series(1, 3000) g
                        """).update();
        UUID message = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status)
                        values (:id, 'Plan', 'probe', 'ops', 'list', array['INBOX'], 'direct', 'SENT')
                        """).param("id", message).update();
        jdbc.sql("""
                        insert into inbox_entries (recipient_id, message_id)
                        select id, :message from recipients
                        """).param("message", message).update();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void theInsertReadsEachRecipientByPrimaryKey() {
        String plan = TestDatabase.genericPlan(
                database,
                InboxSender.INSERT,
                List.of("uuid[]", "text[]"),
                List.of("'{" + UUID.randomUUID() + "}'", "'{plan-1}'"));

        assertThat(plan).as(plan).contains("recipients_pkey").doesNotContain("Seq Scan on recipients", "Hash");
    }

    @Test
    void theCountReadsEachEntryByPrimaryKey() {
        String plan = TestDatabase.genericPlan(
                database,
                InboxSender.COUNT,
                List.of("integer[]", "uuid[]", "text[]"),
                List.of("'{0}'", "'{" + UUID.randomUUID() + "}'", "'{plan-1}'"));

        assertThat(plan).as(plan).contains("inbox_entries_pkey").doesNotContain("Seq Scan on inbox_entries", "Hash");
    }
}
