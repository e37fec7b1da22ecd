package dev.messagecenter.stats.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@code redis}: UP when Redis answers, {@link #DEGRADED} when it does not. The
 * service keeps working without Redis (counters answer from the database), so this is not DOWN and
 * is not part of the readiness group; {@code application.yml} maps DEGRADED to HTTP 200.
 */
class RedisHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "Redis is unreachable; counters answer from the database");

    private final RedisCounters counters;

    RedisHealthIndicator(RedisCounters counters) {
        this.counters = counters;
    }

    @Override
    public Health health() {
        String failure = counters.ping();
        if (failure == null) {
            return Health.up().build();
        }
        Health.Builder degraded = Health.status(DEGRADED).withDetail("error", failure);
        String last = counters.lastError();
        if (last != null) {
            degraded.withDetail("lastFailure", last);
        }
        return degraded.build();
    }
}
