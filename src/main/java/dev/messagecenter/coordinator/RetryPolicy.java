package dev.messagecenter.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Exponential backoff with jitter, bounded by a time budget. The delay before attempt n+1 is
 * {@code firstRetry * 2^(n-1)}, capped, with up to 20% taken off at random so that packages failed
 * together do not retry together; a channel's own {@code Retry-After} is a floor.
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
    Optional<Instant> nextAttempt(int attempt, Instant firstAttempt, Instant now, @Nullable Duration notBefore) {
        long base = firstRetry.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long jittered = capped - (long) (capped * 0.2 * random.nextDouble());
        long delay = notBefore == null ? jittered : Math.max(jittered, notBefore.toMillis());
        Instant next = now.plusMillis(delay);
        return next.isAfter(firstAttempt.plus(budget)) ? Optional.empty() : Optional.of(next);
    }
}
