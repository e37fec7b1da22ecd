package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.trace.LifecycleLog;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Works one claimed package: delivers it on its channel, then records the outcome, the counters
 * and the message's progress in one transaction. A package whose message was revoked or canceled
 * is canceled instead. Safe for redelivered packages: outcomes are fenced by the attempt number.
 */
@Component
class PackageWorker implements PackageQueue.PackageConsumer {

    private static final Logger log = LoggerFactory.getLogger(PackageWorker.class);

    /**
     * Message ids in PostgreSQL's order (the 16 bytes compared unsigned), in which {@link
     * PlanStore#closePackages} locks messages. {@link UUID#compareTo} compares signed halves and puts
     * {@code 8...} before {@code 7...}: recording a batch one package at a time in that order while
     * another worker closes a batch in one statement could deadlock on two messages' rows.
     */
    static final Comparator<UUID> DATABASE_ORDER = Comparator.comparing(
                    UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    private final PackageStore packages;
    private final PlanStore plans;
    private final ChannelRegistry channels;
    private final PlanningSupport support;
    private final RetryPolicy retries;
    private final ScheduledExecutorService leaseKeeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-keeper").daemon(true).factory());

    PackageWorker(PackageStore packages, PlanStore plans, ChannelRegistry channels, PlanningSupport support) {
        this.packages = packages;
        this.plans = plans;
        this.channels = channels;
        this.support = support;
        CoordinatorProperties properties = support.properties();
        this.retries = new RetryPolicy(
                properties.firstRetry(), properties.maxRetryDelay(), properties.retryBudget(), new Random());
    }

    @PreDestroy
    void stopRenewing() {
        leaseKeeper.shutdownNow();
    }

    @Override
    public void accept(PackageQueue.ClaimedPackage claimed) {
        acceptAll(List.of(claimed));
    }

    /**
     * Works several claimed packages, read in one query. A channel that delivers in batches (the
     * inbox) gets all of its packages in one call, and their outcomes are recorded in one
     * transaction, in message order, so that two workers' batches take the message locks in the
     * same order. Any other channel's packages are delivered and recorded one at a time, so that a
     * worker killed mid-batch sends again only the package it had in hand.
     */
    @Override
    public void acceptAll(List<PackageQueue.ClaimedPackage> claimed) {
        long claimedAt = System.nanoTime();
        Duration lease = support.properties().packageLease();
        byChannel(claimed).forEach((channel, steps) -> {
            ChannelSender sender = channels.sender(channel).orElse(null);
            if (sender != null && steps.size() > 1 && sender.deliversInBatches() && deliverBatch(sender, steps)) {
                return;
            }
            for (Step step : steps) {
                // why: a batch's lease runs from its claim; one at a time, the last packages of a
                // batch to a slow gateway would outlive it and be handed out and sent again. Past
                // half the lease a package's lease starts again when its turn comes, and one handed
                // out meanwhile is left to its new worker
                if (System.nanoTime() - claimedAt > lease.toNanos() / 2
                        && !packages.renewLease(
                                step.claimed().packageId(), step.claimed().attempt(), lease)) {
                    continue;
                }
                DeliveryResult result = deliverKeepingLease(sender, step, lease);
                support.transaction().executeWithoutResult(status -> record(step, result));
            }
        });
    }

    /**
     * The claimed packages still to deliver, read in one query and grouped by channel; a package no
     * longer dispatched to this attempt is left out, one whose message was revoked or canceled is
     * canceled, and one lost {@code max-lost} times is dead-lettered.
     */
    private Map<String, List<Step>> byChannel(List<PackageQueue.ClaimedPackage> claimed) {
        Map<Long, PackageStore.Work> works = packages.workAll(claimed);
        Map<String, List<Step>> byChannel = new LinkedHashMap<>();
        for (PackageQueue.ClaimedPackage one : claimed) {
            PackageStore.Work work = works.get(one.packageId());
            if (work == null || work.state() != PackageState.DISPATCHED) {
                continue;
            }
            if (work.messageStatus() == MessageStatus.REVOKED || work.messageStatus() == MessageStatus.CANCELED) {
                cancel(one, work.delivery().messageId());
                continue;
            }
            if (work.lost() >= support.properties().maxLost()) {
                setAside(one, work);
                continue;
            }
            byChannel
                    .computeIfAbsent(work.delivery().channel(), channel -> new ArrayList<>())
                    .add(new Step(one, work));
        }
        return byChannel;
    }

    /** Delivers and records a batch; false, with nothing recorded, when the delivery failed. */
    private boolean deliverBatch(ChannelSender sender, List<Step> steps) {
        List<DeliveryResult> results;
        try {
            results = sender.deliverAll(
                    steps.stream().map(step -> step.work().delivery()).toList());
        } catch (RuntimeException e) {
            // why: a batch is all or nothing (deliversInBatches), so delivering its packages
            // again one by one repeats nothing
            log.warn(
                    "A batch of {} packages failed on {} ({}); delivering them one by one",
                    steps.size(),
                    sender.channel(),
                    e.toString());
            return false;
        }
        support.transaction().executeWithoutResult(status -> recordAll(steps, results));
        return true;
    }

    /** Records a batch's outcomes, in message order, in the caller's transaction. */
    private void recordAll(List<Step> steps, List<DeliveryResult> results) {
        List<Outcome> outcomes = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            outcomes.add(new Outcome(steps.get(i), results.get(i)));
        }
        outcomes.sort(
                Comparator.comparing((Outcome o) -> o.step().work().delivery().messageId(), DATABASE_ORDER)
                        .thenComparing(o -> o.step().claimed().packageId()));
        if (outcomes.stream().allMatch(o -> o.result() instanceof DeliveryResult.Delivered)) {
            recordDelivered(outcomes.stream()
                    .map(o -> new Success(o.step(), (DeliveryResult.Delivered) o.result()))
                    .toList());
        } else {
            // why: one by one in message order, so that the message locks are still taken in order
            outcomes.forEach(o -> record(o.step(), o.result()));
        }
    }

    /**
     * Delivers, in the caller's (planning) transaction, packages it has just planned on channels
     * that deliver in a transaction (the inbox), and records their outcomes as a worker would. Runs
     * under a savepoint: when anything fails, it is rolled back to it, the packages stay pending
     * and go to the queue as any other package, and this answers false.
     */
    boolean deliverPlanned(List<Long> packageIds) {
        try {
            support.savepoint().executeWithoutResult(status -> {
                List<PackageQueue.ClaimedPackage> claimed =
                        packages.claimAll(packageIds, support.properties().packageLease());
                List<Step> steps = new ArrayList<>();
                List<DeliveryResult> results = new ArrayList<>();
                byChannel(claimed).forEach((channel, ofChannel) -> {
                    ChannelSender sender = channels.sender(channel)
                            .filter(ChannelSender::deliversInTransaction)
                            .orElseThrow(
                                    () -> new IllegalStateException(channel + " does not deliver in a transaction"));
                    steps.addAll(ofChannel);
                    results.addAll(sender.deliverAll(ofChannel.stream()
                            .map(step -> step.work().delivery())
                            .toList()));
                });
                // why: retries and dead letters are the workers' (recorded one by one, each adding to
                // the counters before the next one's statements); here it is all delivered or nothing
                if (!results.stream().allMatch(DeliveryResult.Delivered.class::isInstance)) {
                    throw new IllegalStateException("not every package was delivered");
                }
                recordAll(steps, results);
            });
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "Delivering {} packages while planning them failed ({}); they go to the queue",
                    packageIds.size(),
                    e.toString());
            return false;
        }
    }

    /**
     * Dead-letters a package whose every worker stopped while delivering it (a crash loop: the
     * package may be what kills them), so that it stops being handed out; an operator retries it.
     */
    private void setAside(PackageQueue.ClaimedPackage claimed, PackageStore.Work work) {
        UUID messageId = work.delivery().messageId();
        log.warn(
                "Package {} of message {} was lost {} times (its workers stopped while delivering it);"
                        + " dead-lettered instead of handed out again",
                claimed.packageId(),
                messageId,
                work.lost());
        support.transaction()
                .executeWithoutResult(status -> deadLetter(
                        claimed,
                        messageId,
                        work,
                        "lease ran out " + work.lost()
                                + " times: its workers stopped (died, were killed or hung) while delivering it;"
                                + " set aside until retried"));
    }

    private void cancel(PackageQueue.ClaimedPackage claimed, UUID messageId) {
        support.transaction().executeWithoutResult(status -> {
            if (packages.cancel(claimed.packageId(), claimed.attempt())) {
                support.log().record(messageId, claimed.packageId(), "PACKAGE_CANCELED", null);
            }
        });
    }

    /**
     * Delivers one package while renewing its lease every third of it: a package of many devices
     * to a slow gateway takes several requests, each up to the request timeout, which together may
     * outlast the lease. A worker that dies stops renewing, and its package is handed out again.
     */
    private DeliveryResult deliverKeepingLease(@Nullable ChannelSender sender, Step step, Duration lease) {
        long every = Math.max(1, lease.toMillis() / 3);
        ScheduledFuture<?> renewing = leaseKeeper.scheduleAtFixedRate(
                () -> renew(step.claimed(), lease), every, every, TimeUnit.MILLISECONDS);
        try {
            return deliverOne(sender, step);
        } finally {
            renewing.cancel(false);
        }
    }

    private void renew(PackageQueue.ClaimedPackage claimed, Duration lease) {
        try {
            packages.renewLease(claimed.packageId(), claimed.attempt(), lease);
        } catch (RuntimeException e) {
            // why: the next renewal may succeed; if none does, the package is handed out again
            log.warn("Could not renew the lease of package {}: {}", claimed.packageId(), e.toString());
        }
    }

    private DeliveryResult deliverOne(@Nullable ChannelSender sender, Step step) {
        if (sender == null) {
            return new DeliveryResult.Failed(
                    "no sender for channel " + step.work().delivery().channel());
        }
        try {
            return sender.deliver(step.work().delivery());
        } catch (RuntimeException e) {
            log.warn(
                    "Package {} failed on {}: {}",
                    step.claimed().packageId(),
                    step.work().delivery().channel(),
                    e.toString());
            return new DeliveryResult.Retry(e.getClass().getSimpleName(), null);
        }
    }

    private record Step(PackageQueue.ClaimedPackage claimed, PackageStore.Work work) {}

    private record Outcome(Step step, DeliveryResult result) {}

    private record Success(Step step, DeliveryResult.Delivered result) {}

    private void record(Step step, DeliveryResult result) {
        PackageQueue.ClaimedPackage claimed = step.claimed();
        PackageStore.Work work = step.work();
        UUID messageId = work.delivery().messageId();
        switch (result) {
            case DeliveryResult.Delivered delivered -> recordDelivered(List.of(new Success(step, delivered)));
            case DeliveryResult.Retry(String reason, var notBefore) -> {
                Optional<Instant> next = retries.nextAttempt(work.firstAttemptAt(), Instant.now(), notBefore);
                if (next.isPresent()) {
                    if (packages.retryAt(claimed.packageId(), claimed.attempt(), next.get(), reason)) {
                        support.log().record(messageId, claimed.packageId(), "PACKAGE_RETRY", reason);
                    }
                } else {
                    deadLetter(claimed, messageId, work, "retry budget spent; last error: " + reason);
                }
            }
            case DeliveryResult.Failed(String reason) -> deadLetter(claimed, messageId, work, reason);
        }
    }

    /**
     * Records successes, in message order, with one statement per table: the packages done, the
     * counters, the events and last their messages' progress. A package already recorded (its lease
     * ran out and another worker finished it) counts nothing. The message rows are locked last, so
     * that the workers of a broadcast, which all close packages of one message, hold its row only
     * for that statement and the commit instead of queueing behind each other's whole transaction.
     */
    private void recordDelivered(List<Success> successes) {
        Set<Long> done = packages.doneAll(successes.stream()
                .map(o -> new PackageStore.Done(
                        o.step().claimed().packageId(),
                        o.step().claimed().attempt(),
                        o.result().delivered(),
                        o.result().failed()))
                .toList());
        List<Success> counting = successes.stream()
                .filter(o -> done.contains(o.step().claimed().packageId()))
                .toList();
        Map<UUID, Integer> closing = new LinkedHashMap<>();
        List<LifecycleLog.Entry> events = new ArrayList<>(counting.size());
        for (Success o : counting) {
            int delivered = o.result().delivered();
            int failed = o.result().failed();
            UUID messageId = o.step().work().delivery().messageId();
            String channel = o.step().work().delivery().channel();
            closing.merge(messageId, 1, Integer::sum);
            events.add(new LifecycleLog.Entry(
                    messageId, o.step().claimed().packageId(), "PACKAGE_DONE", doneDetail(channel, delivered, failed)));
        }
        support.log().recordAll(events);
        // why: after every PACKAGE_DONE, so that a message's status event is its last
        recordFinished(close(closing, true));
        // why: last, after every statement that can fail: counters are held until the commit, so
        // additions made before a failure rolled back to a savepoint (deliverPlanned) would still
        // be written, and counted again by the worker that delivers the package later
        for (Success o : counting) {
            UUID messageId = o.step().work().delivery().messageId();
            String channel = o.step().work().delivery().channel();
            support.counters()
                    .add(
                            messageId,
                            Counters.DELIVERED_PREFIX + channel,
                            o.result().delivered());
            support.counters().add(messageId, Counters.FAILED, o.result().failed());
        }
    }

    /** The detail of a PACKAGE_DONE event. */
    static String doneDetail(String channel, int delivered, int failed) {
        return channel + " delivered " + delivered + (failed > 0 ? ", failed " + failed : "");
    }

    private void deadLetter(
            PackageQueue.ClaimedPackage claimed, UUID messageId, PackageStore.Work work, String reason) {
        if (packages.deadLetter(claimed.packageId(), claimed.attempt(), reason)) {
            support.log().record(messageId, claimed.packageId(), "PACKAGE_FAILED", reason);
            recordFinished(close(Map.of(messageId, 1), false));
            // why: last, as in recordDelivered
            support.counters()
                    .add(
                            messageId,
                            Counters.FAILED,
                            work.delivery().recipients().size());
        }
    }

    private void recordFinished(Map<UUID, MessageStatus> finished) {
        if (!finished.isEmpty()) {
            support.log()
                    .recordAll(finished.entrySet().stream()
                            .map(f -> new LifecycleLog.Entry(
                                    f.getKey(), null, f.getValue().name(), null))
                            .toList());
        }
    }

    /**
     * Takes the messages' row locks, as the last statement before the commit. Counter rows are
     * written when the transaction commits, after this lock (the planner's too), so they are never
     * locked in two orders.
     */
    private Map<UUID, MessageStatus> close(Map<UUID, Integer> closing, boolean done) {
        Map<UUID, MessageStatus> finished = plans.closePackages(closing, done);
        if (finished.containsValue(MessageStatus.FAILED)) {
            support.visibilityChanged();
        }
        return finished;
    }
}
