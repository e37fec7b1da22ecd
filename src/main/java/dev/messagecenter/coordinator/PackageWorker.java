package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.stats.Counters;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
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

    private final PackageStore packages;
    private final PlanStore plans;
    private final ChannelRegistry channels;
    private final PlanningSupport support;
    private final RetryPolicy retries;

    PackageWorker(PackageStore packages, PlanStore plans, ChannelRegistry channels, PlanningSupport support) {
        this.packages = packages;
        this.plans = plans;
        this.channels = channels;
        this.support = support;
        CoordinatorProperties properties = support.properties();
        this.retries = new RetryPolicy(
                properties.firstRetry(), properties.maxRetryDelay(), properties.retryBudget(), new Random());
    }

    @Override
    public void accept(PackageQueue.ClaimedPackage claimed) {
        Optional<PackageStore.Work> found = packages.work(claimed.packageId(), claimed.attempt());
        if (found.isEmpty() || found.get().state() != PackageState.DISPATCHED) {
            return;
        }
        PackageStore.Work work = found.get();
        UUID messageId = work.delivery().messageId();
        if (work.messageStatus() == MessageStatus.REVOKED || work.messageStatus() == MessageStatus.CANCELED) {
            support.transaction().executeWithoutResult(status -> {
                if (packages.cancel(claimed.packageId(), claimed.attempt())) {
                    support.log().record(messageId, claimed.packageId(), "PACKAGE_CANCELED", null);
                }
            });
            return;
        }
        ChannelSender sender = channels.sender(work.delivery().channel()).orElse(null);
        DeliveryResult result;
        if (sender == null) {
            result = new DeliveryResult.Failed(
                    "no sender for channel " + work.delivery().channel());
        } else {
            try {
                result = sender.deliver(work.delivery());
            } catch (RuntimeException e) {
                log.warn(
                        "Package {} failed on {}: {}",
                        claimed.packageId(),
                        work.delivery().channel(),
                        e.toString());
                result = new DeliveryResult.Retry(e.getClass().getSimpleName(), null);
            }
        }
        DeliveryResult outcome = result;
        support.transaction().executeWithoutResult(status -> record(claimed, work, outcome));
    }

    private void record(PackageQueue.ClaimedPackage claimed, PackageStore.Work work, DeliveryResult result) {
        long id = claimed.packageId();
        UUID messageId = work.delivery().messageId();
        String channel = work.delivery().channel();
        switch (result) {
            case DeliveryResult.Delivered(int delivered, int failed) -> {
                if (packages.done(id, claimed.attempt(), delivered, failed)) {
                    Optional<MessageStatus> finished = close(messageId);
                    support.counters().add(messageId, Counters.DELIVERED_PREFIX + channel, delivered);
                    support.counters().add(messageId, Counters.FAILED, failed);
                    support.log()
                            .record(
                                    messageId,
                                    id,
                                    "PACKAGE_DONE",
                                    channel + " delivered " + delivered + (failed > 0 ? ", failed " + failed : ""));
                    finished.ifPresent(status -> support.log().record(messageId, null, status.name(), null));
                }
            }
            case DeliveryResult.Retry(String reason, var notBefore) -> {
                Optional<Instant> next =
                        retries.nextAttempt(claimed.attempt(), work.firstAttemptAt(), Instant.now(), notBefore);
                if (next.isPresent()) {
                    if (packages.retryAt(id, claimed.attempt(), next.get(), reason)) {
                        support.log().record(messageId, id, "PACKAGE_RETRY", reason);
                    }
                } else {
                    deadLetter(claimed, messageId, work, "retry budget spent; last error: " + reason);
                }
            }
            case DeliveryResult.Failed(String reason) -> deadLetter(claimed, messageId, work, reason);
        }
    }

    private void deadLetter(
            PackageQueue.ClaimedPackage claimed, UUID messageId, PackageStore.Work work, String reason) {
        if (packages.deadLetter(claimed.packageId(), claimed.attempt(), reason)) {
            Optional<MessageStatus> finished = close(messageId);
            support.counters()
                    .add(
                            messageId,
                            Counters.FAILED,
                            work.delivery().recipients().size());
            support.log().record(messageId, claimed.packageId(), "PACKAGE_FAILED", reason);
            finished.ifPresent(status -> support.log().record(messageId, null, status.name(), null));
        }
    }

    /**
     * Takes the message's row lock. Every transaction that touches a message's counters takes
     * that lock first (the planner does too), so counter rows are never locked in two orders.
     */
    private Optional<MessageStatus> close(UUID messageId) {
        Optional<MessageStatus> finished = plans.closePackage(messageId);
        if (finished.filter(status -> status == MessageStatus.FAILED).isPresent()) {
            support.visibilityChanged();
        }
        return finished;
    }
}
