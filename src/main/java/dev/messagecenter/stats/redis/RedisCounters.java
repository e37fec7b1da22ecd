package dev.messagecenter.stats.redis;

import dev.messagecenter.platform.redis.RedisGuard;
import dev.messagecenter.stats.CounterTruth;
import dev.messagecenter.stats.Counters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counters in one Redis hash per message ({@code <prefix>{<message id>}:counters}, hash-tagged so
 * that a message's keys share a Redis Cluster slot), with PostgreSQL as the source of truth.
 *
 * <p>An add becomes an increment after its transaction commits, so a rolled-back transition never
 * counts. Once a message has finished, its first read recounts it from {@link CounterTruth} and
 * stores the figures with the database snapshot they were read in. From then on an increment
 * carries its transaction's id and is dropped when that transaction is already in the snapshot,
 * so an increment that arrives late (its transaction committed before the recount) is not counted
 * twice; increments that arrive while a recount is running are kept aside and replayed the same
 * way. So a Redis restart without persistence, or increments lost between a commit and Redis,
 * leave the figures of a finished message exact.
 *
 * <p>While Redis is unreachable, adds are dropped and reads answer from the database (both counted
 * by {@link RedisGuard} as fallbacks, operations {@code counters.add} and {@code counters.totals});
 * finished messages recounted before the outage are recounted again afterwards. Thread-safe.
 */
public class RedisCounters implements Counters {

    static final String SNAPSHOT = "snapshot";
    static final String RECONCILED = "reconciled";
    /** Increment without a transaction: never in a snapshot, always counted. */
    static final long NO_TRANSACTION = -1;

    private static final Logger log = LoggerFactory.getLogger(RedisCounters.class);
    private static final long RECONCILE_LEASE_MILLIS = 30_000;
    /**
     * How long a message's hash lives after its last increment or recount: without an expiry every
     * message ever counted would stay in Redis. A hash that expired is recounted from the database
     * at its next read, like one lost in a Redis restart.
     */
    static final Duration HASH_TTL = Duration.ofDays(7);

    private static final String VISIBLE = """
            local function visible(xid, snap)
              if xid < 0 then return false end
              local xmin, xmax, xip = string.match(snap, '^(%d+):(%d+):(.*)$')
              if xid < tonumber(xmin) then return true end
              if xid >= tonumber(xmax) then return false end
              for running in string.gmatch(xip, '%d+') do
                if tonumber(running) == xid then return false end
              end
              return true
            end
            """;

    /** KEYS: hash, reconciling, pending; ARGV: transaction id, then field and delta pairs. */
    private static final RedisScript<Long> INCREMENT =
            RedisScript.of(VISIBLE + """
            local xid = tonumber(ARGV[1])
            local snap = redis.call('HGET', KEYS[1], 'snapshot')
            if snap and visible(xid, snap) then return 0 end
            local reconciling = redis.call('EXISTS', KEYS[2]) == 1
            for i = 2, #ARGV, 2 do
              redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
              if reconciling then
                redis.call('RPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[i] .. ' ' .. ARGV[i + 1])
              end
            end
            redis.call('PEXPIRE', KEYS[1], %d)
            if reconciling then redis.call('PEXPIRE', KEYS[3], %d) end
            return 1
            """.formatted(HASH_TTL.toMillis(), RECONCILE_LEASE_MILLIS), Long.class);

    /**
     * KEYS: hash, reconciling, pending; ARGV: token, snapshot, now, then field and value pairs.
     * Writes only for the recount that holds the lease, then replays the increments kept aside
     * whose transactions the snapshot does not include.
     */
    private static final RedisScript<Long> RECONCILE =
            RedisScript.of(VISIBLE + """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'snapshot', ARGV[2], 'reconciled', ARGV[3])
            for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            for _, entry in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
              local xid, field, delta = string.match(entry, '^(%-?%d+) (%S+) (%-?%d+)$')
              if not visible(tonumber(xid), ARGV[2]) then redis.call('HINCRBY', KEYS[1], field, delta) end
            end
            redis.call('PEXPIRE', KEYS[1], HASH_TTL_MILLIS)
            redis.call('DEL', KEYS[2], KEYS[3])
            return 1
            """.replace("HASH_TTL_MILLIS", Long.toString(HASH_TTL.toMillis())), Long.class);

    private final RedisGuard guard;
    private final StringRedisTemplate redis;
    private final CounterTruth truth;
    private final Duration reconcileInterval;
    private final Clock clock;
    /** Key of this adapter's per-transaction batch among the transaction's resources. */
    private final Object batchKey = new Object();

    /**
     * @param reconcileInterval a finished message's counters are recounted from the database again
     *     when they were last recounted longer ago than this (repairs increments lost by a crash)
     */
    public RedisCounters(RedisGuard guard, CounterTruth truth, Duration reconcileInterval, Clock clock) {
        this.guard = guard;
        this.redis = guard.redis();
        this.truth = truth;
        this.reconcileInterval = reconcileInterval;
        this.clock = clock;
    }

    @Override
    public void add(UUID messageId, String name, long delta) {
        if (delta == 0) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            increment(messageId, NO_TRANSACTION, Map.of(name, delta));
            return;
        }
        Batch batch = (Batch) TransactionSynchronizationManager.getResource(batchKey);
        if (batch == null) {
            batch = new Batch(truth.currentTransaction());
            TransactionSynchronizationManager.bindResource(batchKey, batch);
            TransactionSynchronizationManager.registerSynchronization(batch);
        }
        batch.add(messageId, name, delta);
    }

    /**
     * Nothing to do: the message's first read finds it finished and without a recount, and
     * recounts it from the database, where this transaction's figures are; an increment would
     * only be overwritten by that recount (and cost a Redis call per message, plus a query for the
     * transaction's id, to the creates that deliver a message in their own transaction).
     */
    @Override
    public void addToCreatedFinished(UUID messageId, String name, long delta) {}

    @Override
    public Map<String, Long> totals(UUID messageId) {
        boolean finished = truth.finished(messageId);
        return guard.call(
                "counters.totals",
                () -> {
                    Map<Object, Object> hash = redis.opsForHash().entries(key(messageId, "counters"));
                    return finished && stale(hash) ? reconcile(messageId) : counters(hash);
                },
                () -> truth.recount(messageId).counters());
    }

    /** Applies one committed transaction's increments of a message; never throws. */
    void increment(UUID messageId, long transaction, Map<String, Long> deltas) {
        List<String> args = new ArrayList<>(1 + 2 * deltas.size());
        args.add(Long.toString(transaction));
        deltas.forEach((name, delta) -> {
            args.add(name);
            args.add(Long.toString(delta));
        });
        if (!guard.run("counters.add", () -> redis.execute(INCREMENT, keys(messageId), args.toArray()))) {
            log.debug("Redis unreachable; dropped increments of {}", messageId);
        }
    }

    private Map<String, Long> reconcile(UUID messageId) {
        String token = UUID.randomUUID().toString();
        List<String> keys = keys(messageId);
        redis.opsForValue().set(keys.get(1), token, Duration.ofMillis(RECONCILE_LEASE_MILLIS));
        CounterTruth.Recount recount = truth.recount(messageId);
        List<String> args = new ArrayList<>();
        args.add(token);
        args.add(recount.snapshot());
        args.add(Long.toString(clock.millis()));
        recount.counters().forEach((name, value) -> {
            args.add(name);
            args.add(Long.toString(value));
        });
        Long written = redis.execute(RECONCILE, keys, args.toArray());
        if (written == null || written == 0) {
            // why: a concurrent recount took the lease; ours is exact as of its snapshot, so answer it
            return recount.counters();
        }
        return counters(redis.opsForHash().entries(keys.getFirst()));
    }

    /** Whether a finished message's hash needs a recount before it is believed. */
    private boolean stale(Map<Object, Object> hash) {
        Object reconciled = hash.get(RECONCILED);
        if (reconciled == null) {
            return true;
        }
        Instant at = Instant.ofEpochMilli(Long.parseLong(reconciled.toString()));
        // why: increments this instance dropped during an outage are missing from a hash
        // recounted before it; increments lost elsewhere are repaired by the interval
        return !at.isAfter(guard.lastFailure()) || at.plus(reconcileInterval).isBefore(clock.instant());
    }

    private static Map<String, Long> counters(Map<Object, Object> hash) {
        Map<String, Long> counters = new HashMap<>();
        hash.forEach((field, value) -> {
            String name = field.toString();
            if (!name.equals(SNAPSHOT) && !name.equals(RECONCILED)) {
                counters.put(name, Long.parseLong(value.toString()));
            }
        });
        return counters;
    }

    private List<String> keys(UUID messageId) {
        return List.of(key(messageId, "counters"), key(messageId, "reconciling"), key(messageId, "pending"));
    }

    String key(UUID messageId, String suffix) {
        return guard.key("{" + messageId + "}:" + suffix);
    }

    /** One transaction's adds, applied once it has committed. */
    private final class Batch implements TransactionSynchronization {

        private final long transaction;
        private final Map<UUID, Map<String, Long>> deltas = new LinkedHashMap<>();

        Batch(long transaction) {
            this.transaction = transaction;
        }

        void add(UUID messageId, String name, long delta) {
            deltas.computeIfAbsent(messageId, m -> new LinkedHashMap<>()).merge(name, delta, Long::sum);
        }

        @Override
        public void afterCommit() {
            deltas.forEach((messageId, byName) -> increment(messageId, transaction, byName));
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(batchKey);
        }
    }
}
