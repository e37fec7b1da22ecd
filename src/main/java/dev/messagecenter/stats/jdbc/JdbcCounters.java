package dev.messagecenter.stats.jdbc;

import dev.messagecenter.stats.Counters;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counters as rows spread over shards, so that a million readers do not queue on one row. The adds
 * of a transaction are summed and written in one statement just before it commits, in (message,
 * name) order, so that two transactions lock their counter rows in the same order; an add outside
 * a transaction is written at once.
 */
@Repository
@ConditionalOnProperty(name = "messagecenter.redis.enabled", havingValue = "false", matchIfMissing = true)
class JdbcCounters implements Counters {

    static final int SHARDS = 16;

    private final JdbcClient jdbc;
    /** Key of this adapter's per-transaction batch among the transaction's resources. */
    private final Object batchKey = new Object();

    JdbcCounters(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(UUID messageId, String name, long delta) {
        if (delta == 0) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write(Map.of(new Key(messageId, name), delta));
            return;
        }
        Batch batch = (Batch) TransactionSynchronizationManager.getResource(batchKey);
        if (batch == null) {
            batch = new Batch();
            TransactionSynchronizationManager.bindResource(batchKey, batch);
            TransactionSynchronizationManager.registerSynchronization(batch);
        }
        batch.deltas.merge(new Key(messageId, name), delta, Long::sum);
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

    private void write(Map<Key, Long> deltas) {
        int size = deltas.size();
        UUID[] messages = new UUID[size];
        String[] names = new String[size];
        Integer[] shards = new Integer[size];
        Long[] values = new Long[size];
        int i = 0;
        for (Map.Entry<Key, Long> entry : deltas.entrySet()) {
            messages[i] = entry.getKey().messageId();
            names[i] = entry.getKey().name();
            shards[i] = ThreadLocalRandom.current().nextInt(SHARDS);
            values[i] = entry.getValue();
            i++;
        }
        jdbc.sql("""
                        insert into message_counters (message_id, name, shard, value)
                        select m, n, s, d from unnest(:m, :n, :s, :d) with ordinality as c(m, n, s, d, ord) order by ord
                        on conflict (message_id, name, shard) do update set value = message_counters.value + excluded.value
                        """)
                .param("m", messages)
                .param("n", names)
                .param("s", shards)
                .param("d", values)
                .update();
    }

    private record Key(UUID messageId, String name) implements Comparable<Key> {

        @Override
        public int compareTo(Key other) {
            int byMessage = messageId.compareTo(other.messageId);
            return byMessage != 0 ? byMessage : name.compareTo(other.name);
        }
    }

    /** One transaction's adds, written just before it commits. */
    private final class Batch implements TransactionSynchronization {

        private final Map<Key, Long> deltas = new TreeMap<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            deltas.values().removeIf(delta -> delta == 0);
            if (!deltas.isEmpty()) {
                write(deltas);
            }
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(batchKey);
        }
    }
}
