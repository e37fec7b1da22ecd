package dev.messagecenter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contract of {@link Counters}, run against every adapter. Adds happen inside transactions, as
 * the callers make them (a package completing, a recipient reading). Subclasses give a migrated
 * database of their own and build the adapter under test.
 */
public abstract class CountersContract {

    protected JdbcClient jdbc;
    protected TransactionTemplate transaction;
    protected UUID message;

    /** The subclass's own migrated database, shared by its tests. */
    protected abstract DataSource dataSource();

    /** The adapter under test, over {@link #dataSource()}. */
    protected abstract Counters counters();

    @BeforeEach
    void message() {
        jdbc = JdbcClient.create(dataSource());
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
        message = newMessage("SENDING");
    }

    /** A message row in the given status, so that counter rows and recounts have a parent. */
    protected UUID newMessage(String status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status)
                        values (:id, 'contract', 'b', 'test', 'list', array['INBOX', 'PUSH'], 'bulk', :status)
                        """).param("id", id).param("status", status).update();
        return id;
    }

    protected void addCommitted(UUID messageId, String name, long delta) {
        transaction.executeWithoutResult(status -> counters().add(messageId, name, delta));
    }

    @Test
    void totalsSumCommittedAddsByName() {
        UUID other = newMessage("SENDING");
        addCommitted(message, Counters.DELIVERED_PREFIX + "PUSH", 3);
        addCommitted(message, Counters.DELIVERED_PREFIX + "PUSH", 2);
        transaction.executeWithoutResult(status -> {
            counters().add(message, Counters.FAILED, 4);
            counters().add(message, Counters.READ, 1);
            counters().add(other, Counters.READ, 7);
        });

        assertThat(counters().totals(message))
                .containsEntry(Counters.DELIVERED_PREFIX + "PUSH", 5L)
                .containsEntry(Counters.FAILED, 4L)
                .containsEntry(Counters.READ, 1L)
                .doesNotContainKey(Counters.ACKED);
        assertThat(counters().totals(other)).containsEntry(Counters.READ, 7L);
        assertThat(counters().totals(newMessage("SENDING"))).isEmpty();
    }

    @Test
    void negativeAddsSubtract() {
        addCommitted(message, Counters.FAILED, 5);
        addCommitted(message, Counters.FAILED, -5);
        addCommitted(message, Counters.READ, 0);

        assertThat(counters().totals(message).getOrDefault(Counters.FAILED, 0L)).isZero();
        assertThat(counters().totals(message).getOrDefault(Counters.READ, 0L)).isZero();
    }

    @Test
    void concurrentAddsFromSixteenThreadsSumExactly() throws Exception {
        int threads = 16;
        int addsPerThread = 200;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < addsPerThread; i++) {
                        transaction.executeWithoutResult(status -> {
                            counters().add(message, Counters.READ, 1);
                            counters().add(message, Counters.DELIVERED_PREFIX + "INBOX", 2);
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Long> totals = counters().totals(message);
        assertThat(totals).containsEntry(Counters.READ, (long) threads * addsPerThread);
        assertThat(totals).containsEntry(Counters.DELIVERED_PREFIX + "INBOX", 2L * threads * addsPerThread);
    }

    @Test
    void oneTransactionCountsForManyMessages() {
        List<UUID> messages = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            messages.add(newMessage("SENDING"));
        }
        transaction.executeWithoutResult(status -> {
            for (int i = 0; i < messages.size(); i++) {
                counters().add(messages.get(i), Counters.DELIVERED_PREFIX + "INBOX", i + 1);
                counters().add(messages.get(i), Counters.READ, 1);
            }
        });
        for (int i = 0; i < messages.size(); i++) {
            assertThat(counters().totals(messages.get(i)))
                    .as("message %d", i)
                    .containsEntry(Counters.DELIVERED_PREFIX + "INBOX", i + 1L)
                    .containsEntry(Counters.READ, 1L);
        }
    }

    @Test
    void addInARolledBackTransactionDoesNotCount() {
        transaction.executeWithoutResult(status -> {
            counters().add(message, Counters.READ, 1);
            status.setRollbackOnly();
        });
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
                    counters().add(message, Counters.ACKED, 1);
                    throw new IllegalStateException("the transition failed after counting");
                }))
                .isInstanceOf(IllegalStateException.class);
        addCommitted(message, Counters.FAILED, 1);

        assertThat(counters().totals(message))
                .containsEntry(Counters.FAILED, 1L)
                .doesNotContainKeys(Counters.READ, Counters.ACKED);
    }

    @Test
    void aMessageCreatedFinishedCountsWhatItsTransactionDeliveredAndLaterReads() {
        UUID created = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            createSentWithDonePackage(created, 3);
            counters().addToCreatedFinished(created, Counters.DELIVERED_PREFIX + "INBOX", 3);
        });
        UUID rolledBack = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            createSentWithDonePackage(rolledBack, 2);
            counters().addToCreatedFinished(rolledBack, Counters.DELIVERED_PREFIX + "INBOX", 2);
            status.setRollbackOnly();
        });

        assertThat(counters().totals(created)).containsEntry(Counters.DELIVERED_PREFIX + "INBOX", 3L);
        transaction.executeWithoutResult(status -> {
            jdbc.sql("insert into inbox_reads (recipient_id, message_id, read_at) values ('r1', :m, now())")
                    .param("m", created)
                    .update();
            counters().add(created, Counters.READ, 1);
        });
        assertThat(counters().totals(created))
                .containsEntry(Counters.DELIVERED_PREFIX + "INBOX", 3L)
                .containsEntry(Counters.READ, 1L);
        assertThat(counters().totals(rolledBack)).isEmpty();
    }

    /** What a create that delivers in its own transaction stores: the message SENT, its package done. */
    protected void createSentWithDonePackage(UUID id, int recipients) {
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status)
                        values (:id, 'contract', 'b', 'test', 'list', array['INBOX'], 'direct', 'SENT')
                        """).param("id", id).update();
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, delivered)
                        values (:m, 'INBOX', 'direct', 0, array_fill('x'::text, array[:n]), 'done', :n)
                        """).param("m", id).param("n", recipients).update();
    }
}
