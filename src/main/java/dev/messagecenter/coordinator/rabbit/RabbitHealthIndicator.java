package dev.messagecenter.coordinator.rabbit;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@code rabbit}, in the readiness group: UP when the broker answers on the
 * package queue's connection, {@link #DEGRADED} when it does not.
 *
 * <p>why DEGRADED and not DOWN: without the broker an instance still does everything a caller can
 * ask of it. A send is accepted into PostgreSQL (its packages wait there as pending and the relay
 * publishes them once the broker answers), inboxes, stats and traces read PostgreSQL. A broker
 * outage hits every instance at once, so a readiness DOWN would take the whole fleet out of its
 * load balancer and turn a delivery delay into a refusal of every call. DEGRADED ranks below UP, so
 * the readiness and health documents name the broker, and answers HTTP 200
 * ({@code application.yml}); alert on the component or on the relay metrics instead.
 */
class RabbitHealthIndicator implements HealthIndicator {

    static final Status DEGRADED =
            new Status("DEGRADED", "RabbitMQ is unreachable; accepted messages wait in PostgreSQL");

    private final RabbitTemplate template;

    RabbitHealthIndicator(RabbitTemplate template) {
        this.template = template;
    }

    @Override
    public Health health() {
        try {
            // why: a channel from the connection the relay and consumers share; while it is open this
            // costs no round trip, and while it is not, it tries to connect once (connect-timeout)
            Object version = template.execute(
                    channel -> channel.getConnection().getServerProperties().get("version"));
            return Health.up().withDetail("version", String.valueOf(version)).build();
        } catch (AmqpException e) {
            return Health.status(DEGRADED).withDetail("error", e.toString()).build();
        }
    }
}
