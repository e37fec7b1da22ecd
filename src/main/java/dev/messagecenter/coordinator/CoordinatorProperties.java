package dev.messagecenter.coordinator;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Planning and delivery tuning. {@code enabled=false} makes an instance serve the API only.
 *
 * @param pageSize recipients per package (at most 500)
 * @param planLease how long a planner owns a message before another instance may take it over
 * @param packageLease how long a claimed package stays with its worker without a renewal before it
 *     is handed out again; a worker renews it every third of this while delivering it
 * @param pollInterval how often idle planners and workers look for new work
 * @param linger how long a planner or worker woken by new work waits for more before it takes a
 *     batch, so that a steady stream of direct sends is planned and delivered in batches
 * @param bulkWorkers worker threads for the bulk lane
 * @param directWorkers worker threads for the direct lane
 * @param directPlanners planner threads for the direct lane, where many small messages arrive
 * @param directBatch direct-lane packages a worker takes, delivers and records at once
 * @param firstRetry delay before the first retry of a package; doubles per attempt
 * @param maxRetryDelay ceiling of the retry delay
 * @param retryBudget time after a package's first attempt past which it is dead-lettered
 * @param maxLost how many times a package's lease may run out (its worker died, was killed or hung
 *     while delivering it) before it is dead-lettered the next time it is handed out, instead of
 *     taking one more worker down; an operator's retry of the dead letter starts it from zero
 * @param deliverOnCreate whether a message due now, to a list of at most {@code pageSize}
 *     recipients, on channels that deliver in a transaction only (the inbox), is delivered in the
 *     transaction that creates it, on any instance, instead of being planned and queued
 */
@ConfigurationProperties("messagecenter.coordinator")
public record CoordinatorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500") int pageSize,
        @DefaultValue("30s") Duration planLease,
        @DefaultValue("60s") Duration packageLease,
        @DefaultValue("200ms") Duration pollInterval,
        @DefaultValue("5ms") Duration linger,
        @DefaultValue("4") int bulkWorkers,
        @DefaultValue("2") int directWorkers,
        @DefaultValue("2") int directPlanners,
        @DefaultValue("20") int directBatch,
        @DefaultValue("1s") Duration firstRetry,
        @DefaultValue("60s") Duration maxRetryDelay,
        @DefaultValue("10m") Duration retryBudget,
        @DefaultValue("5") int maxLost,
        @DefaultValue("true") boolean deliverOnCreate) {

    public CoordinatorProperties {
        if (pageSize < 1 || pageSize > 500) {
            throw new IllegalArgumentException("messagecenter.coordinator.page-size must be 1..500");
        }
        if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("messagecenter.coordinator.linger must be 0 to 1s");
        }
        if (directBatch < 1 || directBatch > 100) {
            throw new IllegalArgumentException("messagecenter.coordinator.direct-batch must be 1..100");
        }
        if (maxLost < 1) {
            throw new IllegalArgumentException("messagecenter.coordinator.max-lost must be at least 1");
        }
    }

    /** Waits {@link #linger}: a planner or worker just woken, for the work arriving with what woke it. */
    public void lingerAfterWakeUp() throws InterruptedException {
        if (linger.isPositive()) {
            TimeUnit.NANOSECONDS.sleep(linger.toNanos());
        }
    }
}
