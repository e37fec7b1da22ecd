package dev.messagecenter.coordinator.postgres;

import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.message.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embedded queue: the packages table itself, claimed with {@code FOR UPDATE SKIP LOCKED}, so
 * any number of workers in any number of instances share it without handing a package to two at
 * once. A claimed package carries a lease; a package whose worker died is made pending again when
 * its lease runs out. Workers poll, and one is woken when this instance publishes; a worker that
 * takes a full batch wakes another, so a backlog soon has every worker on it while a trickle of
 * direct sends wakes one worker, which lingers a moment to take what arrives with it.
 */
@Component
@ConditionalOnProperty(name = "messagecenter.queue.type", havingValue = "postgres", matchIfMissing = true)
class PostgresPackageQueue implements PackageQueue {

    private static final Logger log = LoggerFactory.getLogger(PostgresPackageQueue.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final CoordinatorProperties properties;
    private final Map<Lane, Semaphore> wakeups = new EnumMap<>(Lane.class);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Instant nextSweep = Instant.EPOCH;

    PostgresPackageQueue(JdbcClient jdbc, TransactionTemplate transaction, CoordinatorProperties properties) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.properties = properties;
        for (Lane lane : Lane.values()) {
            wakeups.put(lane, new Semaphore(0));
        }
    }

    @Override
    public void published(Lane lane) {
        wake(lane);
    }

    /** Wakes one idle worker of the lane; a pile of permits would only cause empty polls. */
    private void wake(Lane lane) {
        Semaphore wakeup = wakeups.get(lane);
        if (wakeup.availablePermits() == 0) {
            wakeup.release();
        }
    }

    @Override
    public synchronized void consume(Lane lane, int workers, PackageConsumer consumer) {
        // why: a stopped queue starts again when asked to consume (a context restarted after a pause)
        running = true;
        for (int i = 0; i < workers; i++) {
            Thread thread = Thread.ofPlatform()
                    .name("worker-" + lane.id() + "-" + i)
                    .daemon(true)
                    .unstarted(() -> work(lane, consumer));
            threads.add(thread);
            thread.start();
        }
    }

    private void work(Lane lane, PackageConsumer consumer) {
        Duration idle = properties.pollInterval();
        while (running) {
            try {
                sweepExpiredLeases();
                int limit = lane == Lane.DIRECT ? properties.directBatch() : 1;
                List<ClaimedPackage> claimed = claim(lane, limit);
                if (claimed.size() == limit) {
                    // why: there may be more; a peer takes the next batch while this one is worked
                    wake(lane);
                }
                if (!claimed.isEmpty()) {
                    try {
                        consumer.acceptAll(claimed);
                    } catch (RuntimeException e) {
                        // why: hand the packages back now rather than when their lease runs out;
                        // those already recorded are not dispatched any more and stay as they are
                        claimed.forEach(this::release);
                        throw e;
                    }
                } else if (wakeups.get(lane).tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS) && running) {
                    // why: lets the work that arrives with the one that woke this worker be claimed
                    // in the same batch
                    properties.lingerAfterWakeUp();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Package worker on lane {} hit an error; retrying after {}", lane.id(), idle, e);
                pause(idle);
            }
        }
    }

    /** Claims up to {@code limit} pending, due packages of the lane, oldest first. */
    List<ClaimedPackage> claim(Lane lane, int limit) {
        List<ClaimedPackage> claimed = transaction.execute(status -> jdbc.sql("""
                        update packages set state = 'dispatched', attempts = attempts + 1,
                            lease_until = now() + cast(:lease as interval),
                            first_attempt_at = coalesce(first_attempt_at, now()), updated_at = now()
                        where id in (select id from packages
                                     where lane = :lane and state = 'pending' and next_attempt_at <= now()
                                     order by next_attempt_at, id limit :limit for update skip locked)
                        returning id, attempts
                        """)
                .param("lane", lane.id())
                .param("limit", limit)
                .param("lease", properties.packageLease().toMillis() + " milliseconds")
                .query((rs, row) -> new ClaimedPackage(rs.getLong("id"), rs.getInt("attempts")))
                .list());
        return claimed == null ? List.of() : claimed;
    }

    private void release(ClaimedPackage claimed) {
        jdbc.sql("""
                        update packages set state = 'pending', lease_until = null, updated_at = now()
                        where id = :id and attempts = :attempt and state = 'dispatched'
                        """)
                .param("id", claimed.packageId())
                .param("attempt", claimed.attempt())
                .update();
    }

    /** Returns packages whose worker stopped answering to the pending pool. */
    void sweepExpiredLeases() {
        Instant now = Instant.now();
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plusSeconds(5);
        int released = jdbc.sql("""
                        update packages set state = 'pending', lease_until = null, next_attempt_at = now(),
                            lost = lost + 1, last_error = 'lease expired', updated_at = now()
                        where state = 'dispatched' and lease_until < now()
                        """).update();
        if (released > 0) {
            log.warn("Released {} packages whose lease expired", released);
            for (Lane lane : Lane.values()) {
                published(lane);
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(threads);
        }
        for (Semaphore wakeup : wakeups.values()) {
            wakeup.release(all.size() + 1);
        }
        for (Thread thread : all) {
            try {
                thread.join(properties.packageLease().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (this) {
            threads.removeAll(all);
        }
    }

    private static void pause(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
