package dev.messagecenter.coordinator;

import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageRevoked;
import dev.messagecenter.message.MessageScheduled;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Runs this instance's share of the coordinator: one planner per lane and the lane's workers.
 * Starts after the web server, stops before it: on shutdown it stops taking work, lets packages in
 * hand finish, and leaves the rest pending for other instances or the next start.
 */
@Component
class CoordinatorRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorRunner.class);

    private final BroadcastPlanner planner;
    private final PackageWorker worker;
    private final PackageQueue queue;
    private final PackageStore packages;
    private final PlanningSupport support;
    private final Map<Lane, Semaphore> planWakeups = new EnumMap<>(Lane.class);
    private final List<Thread> planners = new ArrayList<>();
    private volatile boolean running;

    CoordinatorRunner(
            BroadcastPlanner planner,
            PackageWorker worker,
            PackageQueue queue,
            PackageStore packages,
            PlanningSupport support) {
        this.planner = planner;
        this.worker = worker;
        this.queue = queue;
        this.packages = packages;
        this.support = support;
        for (Lane lane : Lane.values()) {
            planWakeups.put(lane, new Semaphore(0));
        }
    }

    @Override
    public void start() {
        running = true;
        support.start();
        planners.clear();
        CoordinatorProperties properties = support.properties();
        if (!properties.enabled()) {
            log.info("Coordinator disabled on this instance (messagecenter.coordinator.enabled=false)");
            return;
        }
        for (Lane lane : Lane.values()) {
            int count = lane == Lane.DIRECT ? Math.max(1, properties.directPlanners()) : 1;
            for (int i = 0; i < count; i++) {
                Thread thread = Thread.ofPlatform()
                        .name("planner-" + lane.id() + "-" + i)
                        .daemon(true)
                        .unstarted(() -> plan(lane));
                planners.add(thread);
                thread.start();
            }
        }
        queue.consume(Lane.DIRECT, properties.directWorkers(), worker);
        queue.consume(Lane.BULK, properties.bulkWorkers(), worker);
    }

    private void plan(Lane lane) {
        long idle = support.properties().pollInterval().toMillis();
        Semaphore wakeup = planWakeups.get(lane);
        while (support.running()) {
            try {
                if (!planner.planNext(lane) && wakeup.tryAcquire(idle, TimeUnit.MILLISECONDS)) {
                    // why: a message was just created; wait a moment for the ones created with it,
                    // so that a stream of direct sends is planned in batches, not one by one
                    if (support.running()) {
                        support.properties().lingerAfterWakeUp();
                    }
                    wakeup.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Planner on lane {} hit an error; retrying", lane.id(), e);
                planWakeups.get(lane).drainPermits();
                try {
                    TimeUnit.MILLISECONDS.sleep(idle);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @TransactionalEventListener(fallbackExecution = true)
    void scheduled(MessageScheduled event) {
        planWakeups.get(event.lane()).release();
    }

    @EventListener
    void revoked(MessageRevoked event) {
        int canceled = packages.cancelPending(event.messageId());
        if (canceled > 0) {
            support.log().record(event.messageId(), null, "PACKAGES_CANCELED", Integer.toString(canceled));
        }
    }

    @Override
    public void stop() {
        support.stop();
        planWakeups.values().forEach(wakeup -> wakeup.release(planners.size()));
        queue.stop();
        for (Thread thread : planners) {
            try {
                thread.join(support.properties().planLease().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running = false;
        log.info("Coordinator stopped: packages in hand are finished, the rest stay pending for other instances");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // why: stop before the web server's graceful shutdown phase ends and the pool closes
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
