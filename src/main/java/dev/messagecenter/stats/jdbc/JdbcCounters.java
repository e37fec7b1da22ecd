package dev.messagecenter.stats.jdbc;

import dev.messagecenter.stats.Counters;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Counters as rows spread over shards, so that a million readers do not queue on one row. */
@Repository
@ConditionalOnProperty(name = "messagecenter.redis.enabled", havingValue = "false", matchIfMissing = true)
class JdbcCounters implements Counters {

    static final int SHARDS = 16;

    private final JdbcClient jdbc;

    JdbcCounters(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(UUID messageId, String name, long delta) {
        if (delta == 0) {
            return;
        }
        jdbc.sql("""
                        insert into message_counters (message_id, name, shard, value) values (:m, :n, :s, :d)
                        on conflict (message_id, name, shard) do update set value = message_counters.value + excluded.value
                        """)
                .param("m", messageId)
                .param("n", name)
                .param("s", ThreadLocalRandom.current().nextInt(SHARDS))
                .param("d", delta)
                .update();
    }

    @Override
    public Map<String, Long> totals(UUID messageId) {
        Map<String, Long> totals = new HashMap<>();
        jdbc.sql("select name, sum(value) from message_counters where message_id = :m group by name")
                .param("m", messageId)
                .query(rs -> {
                    totals.put(rs.getString(1), rs.getLong(2));
                });
        return totals;
    }
}
