package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A generator that always draws the given value, so jitter is predictable. */
    private static RandomGenerator drawing(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private final RetryPolicy noJitter =
            new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), drawing(0));

    @Test
    void waitsAsLongAsThePackageHasBeenFailingUpToTheCeiling() {
        assertThat(noJitter.nextAttempt(START, START, null)).contains(START.plusSeconds(1));
        assertThat(noJitter.nextAttempt(START, START.plusSeconds(1), null)).contains(START.plusSeconds(2));
        assertThat(noJitter.nextAttempt(START, START.plusSeconds(2), null)).contains(START.plusSeconds(4));
        assertThat(noJitter.nextAttempt(START, START.plusSeconds(8), null)).contains(START.plusSeconds(16));
        assertThat(noJitter.nextAttempt(START, START.plusSeconds(300), null)).contains(START.plusSeconds(360));
    }

    @Test
    void aRetriedDeadLetterStartsAgainFromTheFirstDelay() {
        // its first attempt is the one after the operator's retry, whatever its attempt number
        Instant retried = START.plus(Duration.ofHours(1));
        assertThat(noJitter.nextAttempt(retried, retried, null)).contains(retried.plusSeconds(1));
    }

    @Test
    void takesUpToAFifthOffAtRandom() {
        RetryPolicy jittered =
                new RetryPolicy(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(10), drawing(0.999));
        assertThat(jittered.nextAttempt(START, START, null).orElseThrow())
                .isBetween(START.plusSeconds(8), START.plusSeconds(10));
    }

    @Test
    void honoursTheChannelsRetryAfter() {
        assertThat(noJitter.nextAttempt(START, START, Duration.ofSeconds(30))).contains(START.plusSeconds(30));
    }

    @Test
    void givesUpPastTheBudget() {
        Instant late = START.plus(Duration.ofMinutes(10)).minusMillis(500);
        assertThat(noJitter.nextAttempt(START, late, null)).isEmpty();
        assertThat(noJitter.nextAttempt(START, START, Duration.ofMinutes(11))).isEmpty();
    }
}
