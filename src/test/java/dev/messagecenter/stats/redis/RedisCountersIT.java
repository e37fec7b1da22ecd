package dev.messagecenter.stats.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.platform.redis.RedisConfiguration;
import dev.messagecenter.platform.redis.RedisGuard;
import dev.messagecenter.platform.redis.RedisProperties;
import dev.messagecenter.stats.CounterTruth;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.stats.CountersContract;
import dev.messagecenter.stats.jdbc.JdbcCounterTruth;
import dev.messagecenter.testfixtures.RequiredServices;
import dev.messagecenter.testfixtures.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The counters contract on the shared Redis, under a random key prefix whose keys are deleted
 * afterwards, plus what only this adapter does: recounting finished messages from the database
 * without ever counting a transaction twice.
 */
class RedisCountersIT extends CountersContract {

    private static final String PREFIX = "mc-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private static HikariDataSource database;
    private static LettuceConnectionFactory connections;
    private static StringRedisTemplate redis;
    private static RedisCounters counters;
    /** What the recount does around its query in the next test, set by the test. */
    private static Runnable beforeRecount = () -> {};

    private static Runnable afterRecount = () -> {};

    @BeforeAll
    static void redisAndDatabase() {
        RequiredServices.Endpoint endpoint = RequiredServices.redis();
        database = TestDatabase.fresh();
        RedisProperties properties = new RedisProperties(
                true,
                "redis://" + endpoint.host() + ":" + endpoint.port(),
                PREFIX,
                Duration.ofMillis(500),
                Duration.ofMillis(500),
                Duration.ofSeconds(1));
        connections = RedisConfiguration.connectionFactory(properties);
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
        JdbcCounterTruth jdbcTruth = new JdbcCounterTruth(JdbcClient.create(database));
        CounterTruth truth = new CounterTruth() {
            @Override
            public Recount recount(UUID messageId) {
                beforeRecount.run();
                Recount recount = jdbcTruth.recount(messageId);
                afterRecount.run();
                return recount;
            }

            @Override
            public boolean finished(UUID messageId) {
                return jdbcTruth.finished(messageId);
            }

            @Override
            public long currentTransaction() {
                return jdbcTruth.currentTransaction();
            }
        };
        RedisGuard guard = new RedisGuard(redis, properties, new SimpleMeterRegistry(), Clock.systemUTC());
        counters = new RedisCounters(guard, truth, Duration.ofMinutes(10), Clock.systemUTC());
    }

    @AfterAll
    static void cleanUp() {
        if (redis != null) {
            Set<String> keys = redis.keys(PREFIX + "*");
            if (!keys.isEmpty()) {
                redis.delete(keys);
            }
            connections.destroy();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void plainRecount() {
        beforeRecount = () -> {};
        afterRecount = () -> {};
    }

    @Override
    protected DataSource dataSource() {
        return database;
    }

    @Override
    protected Counters counters() {
        return counters;
    }

    @Test
    void keysAreHashTaggedByMessage() {
        addCommitted(message, Counters.READ, 1);

        assertThat(redis.opsForHash().entries(PREFIX + "{" + message + "}:counters"))
                .containsEntry(Counters.READ, "1");
    }

    @Test
    void aMessagesHashExpiresAWeekAfterItsLastIncrementOrRecount() {
        addCommitted(message, Counters.READ, 1);
        assertThat(redis.getExpire(counters.key(message, "counters"), TimeUnit.SECONDS))
                .isBetween(RedisCounters.HASH_TTL.toSeconds() - 60, RedisCounters.HASH_TTL.toSeconds());

        UUID sent = newMessage("SENT");
        donePackage(sent, "PUSH", 0, 3, 0);
        assertThat(counters.totals(sent)).containsEntry("delivered.PUSH", 3L);
        assertThat(redis.getExpire(counters.key(sent, "counters"), TimeUnit.SECONDS))
                .isBetween(RedisCounters.HASH_TTL.toSeconds() - 60, RedisCounters.HASH_TTL.toSeconds());
    }

    @Test
    void finishedMessageIsRecountedFromTheDatabaseWhenItsIncrementsWereLost() {
        UUID sent = newMessage("SENT");
        donePackage(sent, "PUSH", 0, 7, 2);
        donePackage(sent, "PUSH", 1, 5, 0);
        deadLetteredPackage(sent, "INBOX", 2, 3);
        // why: committed transitions whose increments never reached Redis (a crash, a Redis restart)
        commitRead(sent, "r1", true);
        commitRead(sent, "r2", false);

        Map<String, Long> totals = counters.totals(sent);

        assertThat(totals)
                .containsEntry("delivered.PUSH", 12L)
                .containsEntry(Counters.FAILED, 5L)
                .containsEntry(Counters.READ, 2L)
                .containsEntry(Counters.ACKED, 1L)
                .doesNotContainKeys(RedisCounters.SNAPSHOT, RedisCounters.RECONCILED);
        assertThat(redis.opsForHash().hasKey(counters.key(sent, "counters"), RedisCounters.RECONCILED))
                .isTrue();
        assertThat(counters.totals(sent)).isEqualTo(totals);
    }

    @Test
    void anIncrementArrivingAfterTheRecountThatIncludedItsTransactionIsNotCountedTwice() {
        UUID sent = newMessage("SENT");
        long late = commitRead(sent, "early", false);
        assertThat(counters.totals(sent)).containsEntry(Counters.READ, 1L);

        counters.increment(sent, late, Map.of(Counters.READ, 1L));
        assertThat(counters.totals(sent)).containsEntry(Counters.READ, 1L);

        transaction.executeWithoutResult(status -> {
            insertRead(sent, "later", false);
            counters.add(sent, Counters.READ, 1);
        });
        assertThat(counters.totals(sent)).containsEntry(Counters.READ, 2L);
    }

    @Test
    void incrementsArrivingDuringARecountAreReplayedOnlyWhenTheRecountMissedThem() {
        UUID sent = newMessage("SENT");
        AtomicLong committedBefore = new AtomicLong();
        // a transaction that commits before the recount's snapshot, its increment arriving during it
        beforeRecount = () -> committedBefore.set(commitRead(sent, "before", false));
        afterRecount = () -> {
            counters.increment(sent, committedBefore.get(), Map.of(Counters.READ, 1L));
            // a transaction that commits after the snapshot: the recount cannot have seen it
            transaction.executeWithoutResult(status -> {
                insertRead(sent, "after", true);
                counters.add(sent, Counters.READ, 1);
                counters.add(sent, Counters.ACKED, 1);
            });
        };

        counters.totals(sent);
        plainRecount();

        assertThat(counters.totals(sent)).containsEntry(Counters.READ, 2L).containsEntry(Counters.ACKED, 1L);
        assertThat(redis.hasKey(counters.key(sent, "pending"))).isFalse();
    }

    @Test
    void aMessageCreatedFinishedIsNotIncrementedButRecountedAtItsFirstRead() {
        UUID created = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            createSentWithDonePackage(created, 4);
            counters.addToCreatedFinished(created, Counters.DELIVERED_PREFIX + "INBOX", 4);
        });
        assertThat(redis.hasKey(counters.key(created, "counters"))).isFalse();

        assertThat(counters.totals(created)).containsEntry(Counters.DELIVERED_PREFIX + "INBOX", 4L);
        assertThat(redis.opsForHash().hasKey(counters.key(created, "counters"), RedisCounters.RECONCILED))
                .isTrue();
    }

    @Test
    void deletedHashOfAFinishedMessageIsRecountedAgain() {
        UUID sent = newMessage("SENT");
        donePackage(sent, "PUSH", 0, 4, 1);
        assertThat(counters.totals(sent)).containsEntry("delivered.PUSH", 4L);

        redis.delete(counters.key(sent, "counters"));

        assertThat(counters.totals(sent)).containsEntry("delivered.PUSH", 4L).containsEntry(Counters.FAILED, 1L);
    }

    private void donePackage(UUID messageId, String channel, int seq, int delivered, int failed) {
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, delivered, failed)
                        values (:m, :c, 'bulk', :seq, array['a'], 'done', :d, :f)
                        """)
                .param("m", messageId)
                .param("c", channel)
                .param("seq", seq)
                .param("d", delivered)
                .param("f", failed)
                .update();
    }

    private void deadLetteredPackage(UUID messageId, String channel, int seq, int recipients) {
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, failed)
                        values (:m, :c, 'bulk', :seq, array_fill('x'::text, array[:n]), 'failed', :n)
                        """)
                .param("m", messageId)
                .param("c", channel)
                .param("seq", seq)
                .param("n", recipients)
                .update();
    }

    /** Commits a first read without telling the counters; returns its transaction's id. */
    private long commitRead(UUID messageId, String recipient, boolean acked) {
        Long xid = transaction.execute(status -> {
            insertRead(messageId, recipient, acked);
            return new JdbcCounterTruth(jdbc).currentTransaction();
        });
        return xid == null ? -1 : xid;
    }

    private void insertRead(UUID messageId, String recipient, boolean acked) {
        jdbc.sql("""
                        insert into inbox_reads (recipient_id, message_id, read_at, acked_at)
                        values (:r, :m, now(), case when :acked then now() end)
                        """)
                .param("r", recipient)
                .param("m", messageId)
                .param("acked", acked)
                .update();
    }
}
