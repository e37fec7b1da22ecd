package dev.messagecenter.platform.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@code redis}: UP when Redis answers, {@link #DEGRADED} when it does not. The
 * service keeps working without Redis (counters, caches and idempotency keys answer from the
 * database), so this is not DOWN and is not part of the readiness group; {@code application.yml}
 * maps DEGRADED to HTTP 200.
 */
class RedisHealthIndicator implements HealthIndicator {

    static final Status DEGRADED =
            new Status("DEGRADED", "Redis is unreachable; the service answers from the database");

    private final RedisGuard guard;

    RedisHealthIndicator(RedisGuard guard) {
        this.guard = guard;
    }

    @Override
    public Health health() {
        String failure = guard.ping();
        if (failure == null) {
            return Health.up().build();
        }
        Health.Builder degraded = Health.status(DEGRADED).withDetail("error", failure);
        String last = guard.lastError();
        if (last != null) {
            degraded.withDetail("lastFailure", last);
        }
        return degraded.build();
    }
}
