package dev.messagecenter.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Exponential backoff with jitter, bounded by a time budget. The delay before the next attempt is
 * as long as the package has been failing (the time since its first attempt), at least {@code
 * firstRetry} and at most the cap, so the delays double from attempt to attempt; a dead letter an
 * operator retries starts its first attempt again, hence again from {@code firstRetry}, while its
 * attempt number keeps counting. Up to 20% is taken off at random so that packages failed together
 * do not retry together; a channel's own {@code Retry-After} is a floor.
 */
final class RetryPolicy {

    private final Duration firstRetry;
    private final Duration maxDelay;
    private final Duration budget;
    private final RandomGenerator random;

    RetryPolicy(Duration firstRetry, Duration maxDelay, Duration budget, RandomGenerator random) {
        this.firstRetry = firstRetry;
        this.maxDelay = maxDelay;
        this.budget = budget;
        this.random = random;
    }

    /** When to try again, or empty when the next try would fall past the budget. */
    Optional<Instant> nextAttempt(Instant firstAttempt, Instant now, @Nullable Duration notBefore) {
        long failing = Math.max(0, Duration.between(firstAttempt, now).toMillis());
        long capped = Math.min(Math.max(failing, firstRetry.toMillis()), maxDelay.toMillis());
        long jittered = capped - (long) (capped * 0.2 * random.nextDouble());
        long delay = notBefore == null ? jittered : Math.max(jittered, notBefore.toMillis());
        Instant next = now.plusMillis(delay);
        return next.isAfter(firstAttempt.plus(budget)) ? Optional.empty() : Optional.of(next);
    }
}
