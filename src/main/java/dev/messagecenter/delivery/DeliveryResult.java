package dev.messagecenter.delivery;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What became of a package on its channel. */
public sealed interface DeliveryResult {

    /** Done: {@code delivered} recipients reached, {@code failed} permanently unreachable. */
    record Delivered(int delivered, int failed) implements DeliveryResult {}

    /** A transient failure: try again, no sooner than {@code notBefore} when the channel said so. */
    record Retry(String reason, @Nullable Duration notBefore) implements DeliveryResult {}

    /** A permanent failure of the whole package: not retried, shown as a dead letter. */
    record Failed(String reason) implements DeliveryResult {}
}
