package dev.messagecenter.coordinator.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.coordinator.PlanStore;
import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.delivery.TestChannels;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.recipient.SegmentCursor;
import dev.messagecenter.testfixtures.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A planning step reads its progress without a lock and is recorded only if that progress still
 * holds when {@link PlanStore#advance} locks the message: same lease owner, same cursor, still
 * SENDING. These tests move the progress under a step in each of those ways.
 */
class JdbcPlanStoreIT {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final String OWNER = "planner-a";
    private static final int PAGE = 500;

    private static HikariDataSource database;
    private static JdbcClient jdbc;
    private static JdbcPlanStore plans;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        jdbc = JdbcClient.create(database);
        plans = new JdbcPlanStore(jdbc, TestChannels.of(new InboxLike()));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /** A due broadcast of its own lane, claimed by {@link #OWNER}. */
    private static UUID claimedBroadcast(Lane lane) {
        UUID id = due(lane, null);
        assertThat(plans.claimDue(lane, OWNER, LEASE, PAGE))
                .hasValueSatisfying(claimed -> assertThat(claimed.messageId()).isEqualTo(id));
        return id;
    }

    /** A due message on PUSH: a broadcast, or a message to the list {@code audience}. */
    private static UUID due(Lane lane, @Nullable UUID audience) {
        return due(lane, audience, "PUSH");
    }

    private static UUID due(Lane lane, @Nullable UUID audience, String... channels) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, segment_kinds, segment_cities,
                            segment_tags, audience_id, channels, send_at, lane, status)
                        values (:id, 'Road closed', 'Use the ring road', 'ops', :type, :kinds, :cities, '{}',
                            :audience, :channels, now() - interval '1 second', :lane, 'SCHEDULED')
                        """)
                .param("id", id)
                .param("type", audience == null ? "segment" : "list")
                .param("kinds", audience == null ? new String[] {"rider"} : new String[0])
                .param("cities", audience == null ? new String[] {"c1"} : new String[0])
                .param("audience", audience)
                .param("channels", channels)
                .param("lane", lane.id())
                .update();
        return id;
    }

    /** A message whose planning ended with {@code open} packages of {@code channel} dispatched. */
    private static UUID sendingWithPackages(UUID id, int open, String channel) {
        assertThat(plans.claimDue(Lane.BULK, OWNER, LEASE, PAGE))
                .hasValueSatisfying(claimed -> assertThat(claimed.messageId()).isEqualTo(id));
        assertThat(plans.advance(id, OWNER, null, new SegmentCursor("c1", "r-0002"), open, open, LEASE))
                .isTrue();
        for (int seq = 0; seq < open; seq++) {
            jdbc.sql("""
                            insert into packages (message_id, channel, lane, seq, recipients, state, attempts)
                            values (:id, :channel, 'bulk', :seq, '{r-0001}', 'dispatched', 1)
                            """)
                    .param("id", id)
                    .param("channel", channel)
                    .param("seq", seq)
                    .update();
        }
        assertThat(plans.finishPlanning(id, OWNER)).contains(MessageStatus.SENDING);
        return id;
    }

    private static void packageState(UUID messageId, int seq, String state) {
        jdbc.sql("update packages set state = :state where message_id = :id and seq = :seq")
                .param("state", state)
                .param("id", messageId)
                .param("seq", seq)
                .update();
    }

    /** Stands for the inbox: a broadcast on it is stored once and gets no packages. */
    private static final class InboxLike implements ChannelSender {
        @Override
        public String channel() {
            return "INBOX";
        }

        @Override
        public boolean storedOnceForSegments() {
            return true;
        }

        @Override
        public DeliveryResult deliver(DeliveryPackage work) {
            throw new UnsupportedOperationException();
        }
    }

    private static Map<String, Object> row(UUID id) {
        return jdbc.sql("select plan_recipient, targeted, packages_open, status, planned from messages where id = :id")
                .param("id", id)
                .query()
                .singleRow();
    }

    @Test
    void aStepAdvancesOnlyFromTheCursorItRead() {
        UUID id = claimedBroadcast(Lane.BULK);
        PlanStore.Progress first = plans.planningProgress(id, OWNER).orElseThrow();
        assertThat(first.cursor()).isNull();
        assertThat(plans.planningProgress(id, "planner-b")).isEmpty();

        assertThat(plans.advance(id, OWNER, null, new SegmentCursor("c1", "r-0500"), 500, 1, LEASE))
                .isTrue();
        // the same step again, from the cursor read before the first one was recorded
        assertThat(plans.advance(id, OWNER, first.cursor(), new SegmentCursor("c1", "r-0500"), 500, 1, LEASE))
                .isFalse();
        assertThat(row(id))
                .containsEntry("plan_recipient", "r-0500")
                .containsEntry("targeted", 500L)
                .containsEntry("packages_open", 1);

        SegmentCursor reached = plans.planningProgress(id, OWNER).orElseThrow().cursor();
        assertThat(reached).isEqualTo(new SegmentCursor("c1", "r-0500"));
        assertThat(plans.advance(id, OWNER, reached, new SegmentCursor("c1", "r-0900"), 400, 1, LEASE))
                .isTrue();
        assertThat(row(id)).containsEntry("targeted", 900L).containsEntry("packages_open", 2);
    }

    @Test
    void aStepOfAPlannerThatLostItsLeaseIsNotRecorded() {
        UUID id = claimedBroadcast(Lane.DIRECT);
        PlanStore.Progress read = plans.planningProgress(id, OWNER).orElseThrow();
        jdbc.sql("update messages set plan_owner = 'planner-b' where id = :id")
                .param("id", id)
                .update();

        assertThat(plans.advance(id, OWNER, read.cursor(), new SegmentCursor("c1", "r-0500"), 500, 1, LEASE))
                .isFalse();
        assertThat(plans.finishPlanning(id, OWNER)).isEmpty();
        assertThat(row(id))
                .containsEntry("targeted", 0L)
                .containsEntry("planned", false)
                .containsEntry("status", "SENDING");
    }

    @Test
    void aStepOfARevokedMessageIsNotRecordedAndPlanningEndsOnce() {
        UUID id = claimedBroadcast(Lane.BULK);
        PlanStore.Progress read = plans.planningProgress(id, OWNER).orElseThrow();
        jdbc.sql("update messages set status = 'REVOKED' where id = :id")
                .param("id", id)
                .update();

        assertThat(plans.advance(id, OWNER, read.cursor(), new SegmentCursor("c1", "r-0500"), 500, 1, LEASE))
                .isFalse();
        assertThat(plans.finishPlanning(id, OWNER)).contains(MessageStatus.REVOKED);
        assertThat(plans.finishPlanning(id, OWNER)).isEmpty();
        assertThat(row(id)).containsEntry("targeted", 0L).containsEntry("planned", true);
    }

    @Test
    void finishingWithNothingOpenSendsTheMessage() {
        UUID id = claimedBroadcast(Lane.BULK);

        assertThat(plans.finishPlanning(id, OWNER)).contains(MessageStatus.SENT);
        assertThat(plans.planningProgress(id, OWNER)).isEmpty();
    }

    @Test
    void workersClosePackagesOfOneMessageWhileTheirEventsReferenceIt() throws Exception {
        UUID id = claimedBroadcast(Lane.BULK);
        assertThat(plans.advance(id, OWNER, null, new SegmentCursor("c1", "r-0002"), 2, 2, LEASE))
                .isTrue();
        assertThat(plans.finishPlanning(id, OWNER)).contains(MessageStatus.SENDING);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(database));
        CountDownLatch referenced = new CountDownLatch(1);
        CountDownLatch firstClosed = new CountDownLatch(1);
        try (ExecutorService worker = Executors.newSingleThreadExecutor()) {
            // why: a worker records its package's event (a foreign key to the message) before it
            // closes the package, then waits while another worker does the same
            Future<Map<UUID, MessageStatus>> second = worker.submit(() -> transaction.execute(status -> {
                event(id);
                referenced.countDown();
                awaitLatch(firstClosed);
                return plans.closePackages(Map.of(id, 1), true);
            }));
            assertThat(referenced.await(10, TimeUnit.SECONDS)).isTrue();
            Map<UUID, MessageStatus> first = transaction.execute(status -> {
                // why: fails instead of waiting for ever if closing waits for the other's event
                jdbc.sql("set local lock_timeout = '5s'").update();
                event(id);
                return plans.closePackages(Map.of(id, 1), true);
            });
            firstClosed.countDown();
            assertThat(first).isEmpty();
            assertThat(second.get(10, TimeUnit.SECONDS)).containsEntry(id, MessageStatus.SENT);
        }
        assertThat(row(id)).containsEntry("packages_open", 0).containsEntry("status", "SENT");
    }

    private static void event(UUID messageId) {
        jdbc.sql("insert into message_events (message_id, type) values (:id, 'PACKAGE_DONE')")
                .param("id", messageId)
                .update();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other worker did not close its package");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theLastPackageFailingSeesAPackageDoneWhileItWaitedForTheMessage() throws Exception {
        UUID id = sendingWithPackages(due(Lane.BULK, null), 2, "PUSH");
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(database));
        CountDownLatch doneClosed = new CountDownLatch(1);
        CountDownLatch failedWaiting = new CountDownLatch(1);
        try (ExecutorService worker = Executors.newSingleThreadExecutor()) {
            // why: the worker of the done package holds the message until the other worker's
            // statement has started and waits for it
            Future<Map<UUID, MessageStatus>> done = worker.submit(() -> transaction.execute(status -> {
                packageState(id, 0, "done");
                Map<UUID, MessageStatus> closed = plans.closePackages(Map.of(id, 1), true);
                doneClosed.countDown();
                awaitLatch(failedWaiting);
                return closed;
            }));
            assertThat(doneClosed.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Map<UUID, MessageStatus>> failed;
            try (ExecutorService other = Executors.newSingleThreadExecutor()) {
                failed = other.submit(() -> transaction.execute(status -> {
                    packageState(id, 1, "failed");
                    return plans.closePackages(Map.of(id, 1), false);
                }));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock() > 0);
                failedWaiting.countDown();
                assertThat(done.get(10, TimeUnit.SECONDS)).isEmpty();
                assertThat(failed.get(10, TimeUnit.SECONDS)).containsEntry(id, MessageStatus.SENT);
            }
        }
        assertThat(row(id)).containsEntry("packages_open", 0).containsEntry("status", "SENT");
    }

    private static int waitingForALock() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                        where datname = current_database() and wait_event_type = 'Lock'
                        """).query(Integer.class).single();
    }

    @Test
    void aBroadcastOnTheInboxIsSentWhenEveryOtherPackageFails() {
        UUID broadcast = sendingWithPackages(due(Lane.BULK, null, "INBOX", "PUSH"), 1, "PUSH");
        packageState(broadcast, 0, "failed");

        assertThat(plans.closePackages(Map.of(broadcast, 1), false)).containsEntry(broadcast, MessageStatus.SENT);

        UUID pushOnly = sendingWithPackages(due(Lane.BULK, null, "PUSH"), 1, "PUSH");
        packageState(pushOnly, 0, "failed");
        assertThat(plans.closePackages(Map.of(pushOnly, 1), false)).containsEntry(pushOnly, MessageStatus.FAILED);
    }

    @Test
    void planningThatEndsAfterEveryPackageFailedEndsFailed() {
        UUID id = due(Lane.BULK, null);
        assertThat(plans.claimDue(Lane.BULK, OWNER, LEASE, PAGE))
                .hasValueSatisfying(claimed -> assertThat(claimed.messageId()).isEqualTo(id));
        assertThat(plans.advance(id, OWNER, null, new SegmentCursor("c1", "r-0001"), 1, 1, LEASE))
                .isTrue();
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, attempts)
                        values (:id, 'PUSH', 'bulk', 0, '{r-0001}', 'failed', 1)
                        """).param("id", id).update();
        // the page's package failed before planning ended: nothing is open, nothing was delivered
        assertThat(plans.closePackages(Map.of(id, 1), false)).isEmpty();

        assertThat(plans.finishPlanning(id, OWNER)).contains(MessageStatus.FAILED);
        assertThat(row(id)).containsEntry("status", "FAILED").containsEntry("planned", true);
    }

    @Test
    void aShortListIsLeftToTheBatchPlanner() {
        UUID audience = UUID.randomUUID();
        jdbc.sql("insert into audiences (id, size) values (:id, 1)")
                .param("id", audience)
                .update();
        UUID id = due(Lane.DIRECT, audience);

        // why: a second planner that found the short lists locked by another's batch
        assertThat(plans.claimDue(Lane.DIRECT, OWNER, LEASE, PAGE)).isEmpty();
        // a list longer than a page is planned page by page
        assertThat(plans.claimDue(Lane.DIRECT, OWNER, LEASE, 0))
                .hasValueSatisfying(claimed -> assertThat(claimed.messageId()).isEqualTo(id));
    }

    @Test
    void smallListsLookEachMemberUpByPrimaryKeyWhateverTheEstimates() {
        // why: a directory imported a moment ago, never analyzed
        jdbc.sql("""
                        insert into recipients (id, kind, city)
                        select 'plan-' || g, 'rider', 'c-' || (g % 10) from generate_series(1, 3000) g
                        """).update();

        String plan = TestDatabase.genericPlan(
                database, JdbcPlanStore.SMALL_LISTS, List.of("uuid[]"), List.of("'{" + UUID.randomUUID() + "}'"));

        assertThat(plan).as(plan).contains("recipients_pkey").doesNotContain("Seq Scan on recipients", "Hash");
    }
}
