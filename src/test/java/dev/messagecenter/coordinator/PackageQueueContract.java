package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.message.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contract of {@link PackageQueue}, run against every adapter: packages are inserted pending
 * with SQL, as the planner commits them, and their outcome is read back from the packages table.
 * Subclasses give a migrated database of their own and build the adapter under test.
 */
public abstract class PackageQueueContract {

    /** Short enough that a test sees a lease run out, long enough for a normal package. */
    protected static final Duration SHORT_LEASE = Duration.ofSeconds(1);

    private final List<PackageQueue> queues = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> blocked = new CopyOnWriteArrayList<>();
    private JdbcClient jdbc;
    private TransactionTemplate transaction;
    private UUID message;
    private int seq;

    /** The subclass's own migrated database, shared by its tests. */
    protected abstract DataSource dataSource();

    /** A new adapter over the database; the contract stops it after each test. */
    protected abstract PackageQueue createQueue(
            JdbcClient jdbc, TransactionTemplate transaction, CoordinatorProperties properties);

    @BeforeEach
    void message() {
        jdbc = JdbcClient.create(dataSource());
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
        message = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status)
                        values (:id, 'contract', 'b', 'test', 'list', array['PUSH'], 'bulk', 'SENDING')
                        """).param("id", message).update();
    }

    @AfterEach
    void stopQueues() {
        blocked.forEach(CountDownLatch::countDown);
        queues.forEach(PackageQueue::stop);
        // why: leftovers of one test must not be handed to the next test's consumers
        jdbc.sql("update packages set state = 'canceled' where state in ('pending', 'dispatched')")
                .update();
    }

    @Test
    void consumesEveryPublishedPackageExactlyOnce() {
        PackageQueue queue = queue(Duration.ofSeconds(30));
        List<Long> bulk = insert(Lane.BULK, 30);
        List<Long> direct = insert(Lane.DIRECT, 5);
        queue.published(Lane.BULK);
        queue.published(Lane.DIRECT);
        Queue<Long> consumed = new ConcurrentLinkedQueue<>();
        queue.consume(Lane.BULK, 3, claimed -> {
            consumed.add(claimed.packageId());
            done(claimed);
        });
        queue.consume(Lane.DIRECT, 2, claimed -> {
            consumed.add(claimed.packageId());
            done(claimed);
        });
        List<Long> later = insert(Lane.BULK, 10);
        queue.published(Lane.BULK);

        List<Long> all = new ArrayList<>(bulk);
        all.addAll(direct);
        all.addAll(later);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("done", all) == all.size());
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(all);
        assertThat(jdbc.sql("select attempts from packages where id = any(:ids)")
                        .param("ids", all.toArray(Long[]::new))
                        .query(Integer.class)
                        .list())
                .containsOnly(1);
    }

    @Test
    void findsCommittedPackagesNobodyAnnounced() {
        // why: a crash between the planner's commit and published() must not strand packages
        PackageQueue queue = queue(Duration.ofSeconds(30));
        queue.consume(Lane.DIRECT, 1, this::done);
        List<Long> ids = insert(Lane.DIRECT, 3);

        await().atMost(Duration.ofSeconds(20)).until(() -> count("done", ids) == ids.size());
    }

    @Test
    void aBlockedBulkLaneDoesNotDelayTheDirectLane() {
        PackageQueue queue = queue(Duration.ofSeconds(30));
        CountDownLatch release = block();
        Queue<Long> bulkStarted = new ConcurrentLinkedQueue<>();
        queue.consume(Lane.BULK, 2, claimed -> {
            bulkStarted.add(claimed.packageId());
            awaitQuietly(release);
            done(claimed);
        });
        queue.consume(Lane.DIRECT, 1, this::done);
        List<Long> bulk = insert(Lane.BULK, 6);
        queue.published(Lane.BULK);
        await().atMost(Duration.ofSeconds(20)).until(() -> bulkStarted.size() == 2);

        List<Long> direct = insert(Lane.DIRECT, 2);
        queue.published(Lane.DIRECT);

        await().atMost(Duration.ofSeconds(10)).until(() -> count("done", direct) == direct.size());
        assertThat(count("done", bulk))
                .as("bulk packages wait behind the blocked workers")
                .isZero();
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("done", bulk) == bulk.size());
    }

    @Test
    void retriesAPackageWhoseConsumerThrows() {
        PackageQueue queue = queue(Duration.ofSeconds(30));
        Queue<Integer> attempts = new ConcurrentLinkedQueue<>();
        queue.consume(Lane.DIRECT, 1, claimed -> {
            attempts.add(claimed.attempt());
            if (claimed.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            done(claimed);
        });
        List<Long> ids = insert(Lane.DIRECT, 1);
        queue.published(Lane.DIRECT);

        await().atMost(Duration.ofSeconds(20)).until(() -> count("done", ids) == 1);
        assertThat(attempts).containsExactly(1, 2);
    }

    @Test
    void handsOutAgainAPackageWhoseConsumerDiedAfterItsLease() {
        PackageQueue queue = queue(SHORT_LEASE);
        CountDownLatch never = block();
        Queue<Integer> attempts = new ConcurrentLinkedQueue<>();
        queue.consume(Lane.BULK, 2, claimed -> {
            attempts.add(claimed.attempt());
            if (claimed.attempt() == 1) {
                // a worker that hangs forever looks like a dead one: it never records an outcome
                awaitQuietly(never);
                return;
            }
            done(claimed);
        });
        List<Long> ids = insert(Lane.BULK, 1);
        queue.published(Lane.BULK);

        await().atMost(Duration.ofSeconds(30)).until(() -> count("done", ids) == 1);
        assertThat(attempts).containsExactly(1, 2);
        assertThat(jdbc.sql("select attempts from packages where id = :id")
                        .param("id", ids.getFirst())
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
        assertThat(jdbc.sql("select lost from packages where id = :id")
                        .param("id", ids.getFirst())
                        .query(Integer.class)
                        .single())
                .as("the first attempt's worker counts as lost")
                .isEqualTo(1);
    }

    @Test
    void stopEndsConsumption() {
        PackageQueue queue = queue(Duration.ofSeconds(30));
        Queue<Long> consumed = new ConcurrentLinkedQueue<>();
        queue.consume(Lane.DIRECT, 2, claimed -> {
            consumed.add(claimed.packageId());
            done(claimed);
        });
        List<Long> before = insert(Lane.DIRECT, 2);
        queue.published(Lane.DIRECT);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("done", before) == 2);

        queue.stop();
        List<Long> after = insert(Lane.DIRECT, 2);
        queue.published(Lane.DIRECT);

        // why: the packages must stay pending for 2 s on end; a consumer that took one would leave
        // it done for good, so a longer bound only spares a loaded machine's slow first polls
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> count("pending", after) == 2);
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(before);
    }

    private PackageQueue queue(Duration lease) {
        PackageQueue queue = createQueue(jdbc, transaction, properties(lease));
        queues.add(queue);
        return queue;
    }

    /** Coordinator settings for tests: fast polls and retries, the given package lease. */
    protected static CoordinatorProperties properties(Duration lease) {
        return new CoordinatorProperties(
                true,
                500,
                Duration.ofSeconds(30),
                lease,
                Duration.ofMillis(50),
                Duration.ofMillis(5),
                4,
                2,
                2,
                20,
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                Duration.ofSeconds(3),
                5,
                true);
    }

    private List<Long> insert(Lane lane, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(jdbc.sql("""
                            insert into packages (message_id, channel, lane, seq, recipients)
                            values (:message, 'PUSH', :lane, :seq, array['r-1', 'r-2']) returning id
                            """)
                    .param("message", message)
                    .param("lane", lane.id())
                    .param("seq", seq++)
                    .query(Long.class)
                    .single());
        }
        return ids;
    }

    private void done(PackageQueue.ClaimedPackage claimed) {
        jdbc.sql("""
                        update packages set state = 'done', lease_until = null, updated_at = now()
                        where id = :id and attempts = :attempt and state = 'dispatched'
                        """)
                .param("id", claimed.packageId())
                .param("attempt", claimed.attempt())
                .update();
    }

    private long count(String state, List<Long> ids) {
        return jdbc.sql("select count(*) from packages where state = :state and id = any(:ids)")
                .param("state", state)
                .param("ids", ids.toArray(Long[]::new))
                .query(Long.class)
                .single();
    }

    private CountDownLatch block() {
        CountDownLatch latch = new CountDownLatch(1);
        blocked.add(latch);
        return latch;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
