package dev.messagecenter.coordinator;

import dev.messagecenter.inbox.InboxChanged;
import dev.messagecenter.message.Lane;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.trace.LifecycleLog;
import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the planner and the workers of this instance share: its identity as a lease owner, its
 * settings, and the queue wake-ups that fire once the planning transaction has committed.
 */
@Component
@EnableConfigurationProperties(CoordinatorProperties.class)
class PlanningSupport {

    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CoordinatorProperties properties;
    private final TransactionTemplate transaction;
    private final TransactionTemplate savepoint;
    private final LifecycleLog log;
    private final Counters counters;
    private final PackageQueue queue;
    private final ApplicationEventPublisher events;

    PlanningSupport(
            CoordinatorProperties properties,
            TransactionTemplate transaction,
            LifecycleLog log,
            Counters counters,
            PackageQueue queue,
            ApplicationEventPublisher events) {
        this.properties = properties;
        this.transaction = transaction;
        this.savepoint =
                new TransactionTemplate(Objects.requireNonNull(transaction.getTransactionManager()), transaction);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.log = log;
        this.counters = counters;
        this.queue = queue;
        this.events = events;
    }

    /**
     * Tells the inbox that a message appeared in or left inboxes (it started sending, failed, or
     * was reopened); joins the caller's transaction.
     */
    void visibilityChanged() {
        events.publishEvent(InboxChanged.forEveryone());
    }

    String owner() {
        return owner;
    }

    CoordinatorProperties properties() {
        return properties;
    }

    TransactionTemplate transaction() {
        return transaction;
    }

    /** Runs its work under a savepoint of the caller's transaction, rolled back to on failure. */
    TransactionTemplate savepoint() {
        return savepoint;
    }

    LifecycleLog log() {
        return log;
    }

    Counters counters() {
        return counters;
    }

    boolean running() {
        return running.get();
    }

    void start() {
        running.set(true);
    }

    void stop() {
        running.set(false);
    }

    /** Wakes the lane's workers after the current transaction commits (at once outside one). */
    void published(Lane lane) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    queue.published(lane);
                }
            });
        } else {
            queue.published(lane);
        }
    }
}
