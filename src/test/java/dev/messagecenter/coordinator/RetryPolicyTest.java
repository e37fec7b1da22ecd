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
    void doublesTheDelayPerAttemptUpToTheCeiling() {
        assertThat(noJitter.nextAttempt(1, START, START, null)).contains(START.plusSeconds(1));
        assertThat(noJitter.nextAttempt(2, START, START, null)).contains(START.plusSeconds(2));
        assertThat(noJitter.nextAttempt(4, START, START, null)).contains(START.plusSeconds(8));
        assertThat(noJitter.nextAttempt(30, START, START, null)).contains(START.plusSeconds(60));
    }

    @Test
    void takesUpToAFifthOffAtRandom() {
        RetryPolicy jittered =
                new RetryPolicy(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(10), drawing(0.999));
        assertThat(jittered.nextAttempt(1, START, START, null).orElseThrow())
                .isBetween(START.plusSeconds(8), START.plusSeconds(10));
    }

    @Test
    void honoursTheChannelsRetryAfter() {
        assertThat(noJitter.nextAttempt(1, START, START, Duration.ofSeconds(30)))
                .contains(START.plusSeconds(30));
    }

    @Test
    void givesUpPastTheBudget() {
        Instant late = START.plus(Duration.ofMinutes(10)).minusMillis(500);
        assertThat(noJitter.nextAttempt(1, START, late, null)).isEmpty();
        assertThat(noJitter.nextAttempt(1, START, START, Duration.ofMinutes(11)))
                .isEmpty();
    }
}
