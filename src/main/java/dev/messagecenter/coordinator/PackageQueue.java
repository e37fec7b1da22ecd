package dev.messagecenter.coordinator;

import dev.messagecenter.message.Lane;
import java.util.List;

/**
 * Hands packages to workers. A package stored as pending is durable before it is published; the
 * queue only carries it to a worker. Delivery is at least once: a package whose worker dies is
 * handed out again after its lease, so consumers must be idempotent. Lanes are independent: a
 * backlog on one never delays the other.
 */
public interface PackageQueue {

    /** Tells the queue that packages of the lane were committed as pending. */
    void published(Lane lane);

    /** Starts {@code workers} consumers on the lane until {@link #stop()}. */
    void consume(Lane lane, int workers, PackageConsumer consumer);

    /** Stops handing out packages; waits for those in hand, up to the shutdown timeout. */
    void stop();

    /** Works one package to a recorded outcome (done, retry later, dead letter). */
    @FunctionalInterface
    interface PackageConsumer {
        void accept(ClaimedPackage claimed);

        /** Works several claimed packages; by default one after the other. */
        default void acceptAll(List<ClaimedPackage> claimed) {
            claimed.forEach(this::accept);
        }
    }

    /** A package handed to a consumer, with the attempt number that fences its outcome. */
    record ClaimedPackage(long packageId, int attempt) {}
}
