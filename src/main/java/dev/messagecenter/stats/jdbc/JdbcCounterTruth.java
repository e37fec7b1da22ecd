package dev.messagecenter.stats.jdbc;

import dev.messagecenter.stats.CounterTruth;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Counters recounted from packages and inbox reads in one statement, so every figure and the
 * snapshot come from one consistent view. Public because the Redis adapter's tests build it
 * without Spring.
 */
@Repository
public class JdbcCounterTruth implements CounterTruth {

    /*
     * delivered.<channel>: recipients of done packages; a segment broadcast stored once for the
     * inbox counts its whole audience there once planning finished (the PLANNED event, recorded in
     * the same transaction as that count, and only when planning ran to its end: a message revoked
     * mid-planning never counted its inbox). failed: done packages' rejected recipients plus
     * dead-lettered packages. read/acked: first transitions, one row per recipient.
     */
    private static final String RECOUNT = """
            with m as (select id, audience_type, channels, targeted from messages where id = :m),
            figures as (
                select 'delivered.' || channel as name, sum(delivered) as value
                from packages where message_id = :m and state = 'done' group by channel
              union all
                select 'failed', sum(failed) from packages where message_id = :m and state in ('done', 'failed')
              union all
                select 'delivered.INBOX', targeted from m
                where audience_type = 'segment' and 'INBOX' = any (channels)
                  and exists (select 1 from message_events e where e.message_id = m.id and e.type = 'PLANNED')
              union all
                select 'read', count(read_at) from inbox_reads where message_id = :m
              union all
                select 'acked', count(acked_at) from inbox_reads where message_id = :m
            )
            select name, coalesce(sum(value), 0) as value, pg_current_snapshot()::text as snapshot
            from figures group by name
            """;

    private final JdbcClient jdbc;

    public JdbcCounterTruth(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Recount recount(UUID messageId) {
        Map<String, Long> counters = new HashMap<>();
        AtomicReference<String> snapshot = new AtomicReference<>();
        jdbc.sql(RECOUNT).param("m", messageId).query(rs -> {
            long value = rs.getLong("value");
            if (value != 0) {
                counters.put(rs.getString("name"), value);
            }
            snapshot.set(rs.getString("snapshot"));
        });
        String seen = snapshot.get();
        if (seen == null) {
            throw new IllegalStateException("the recount of " + messageId + " returned no row");
        }
        return new Recount(Map.copyOf(counters), seen);
    }

    @Override
    public boolean finished(UUID messageId) {
        return jdbc.sql("select status in ('SENT', 'FAILED', 'REVOKED') from messages where id = :m")
                .param("m", messageId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    @Override
    public long currentTransaction() {
        return jdbc.sql("select pg_current_xact_id()::text::bigint")
                .query(Long.class)
                .single();
    }
}
