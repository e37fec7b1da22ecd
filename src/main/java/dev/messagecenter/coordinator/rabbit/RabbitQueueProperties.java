package dev.messagecenter.coordinator.rabbit;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The RabbitMQ package queue, used when {@code messagecenter.queue.type=rabbit}.
 *
 * @param host broker host
 * @param port broker AMQP port
 * @param username broker user
 * @param password broker password
 * @param virtualHost broker virtual host
 * @param prefix first part of every exchange and queue name, e.g. {@code mc.packages.bulk}
 * @param queueType {@code quorum} (recommended: replicated, survives a node loss) or {@code classic}
 * @param prefetch unacknowledged packages per consumer
 * @param maxInFlight published packages awaiting a publisher confirm, per lane
 * @param confirmTimeout how long the relay waits for a confirm before it leaves the package pending
 * @param relayBatch pending packages the relay takes from the database per round
 * @param republishAfter a package still pending this long after its confirm is published again
 * @param retryDelay how long a delivery waits in the retry queue when the database could not claim it
 * @param connectTimeout how long opening a connection to the broker may take before it counts as
 *     unreachable (the relay, the consumers and the health check all wait at most this long)
 */
@ConfigurationProperties("messagecenter.queue.rabbit")
public record RabbitQueueProperties(
        @DefaultValue("localhost") String host,
        @DefaultValue("5672") int port,
        @DefaultValue("guest") String username,
        @DefaultValue("guest") String password,
        @DefaultValue("/") String virtualHost,
        @DefaultValue("mc") String prefix,
        @DefaultValue("quorum") String queueType,
        @DefaultValue("5") int prefetch,
        @DefaultValue("256") int maxInFlight,
        @DefaultValue("10s") Duration confirmTimeout,
        @DefaultValue("500") int relayBatch,
        @DefaultValue("10m") Duration republishAfter,
        @DefaultValue("5s") Duration retryDelay,
        @DefaultValue("5s") Duration connectTimeout) {

    public RabbitQueueProperties {
        queueType = queueType.toLowerCase(Locale.ROOT);
        if (!queueType.equals("quorum") && !queueType.equals("classic")) {
            throw new IllegalArgumentException("messagecenter.queue.rabbit.queue-type must be quorum or classic");
        }
        if (prefetch < 1 || maxInFlight < 1 || relayBatch < 1) {
            throw new IllegalArgumentException(
                    "messagecenter.queue.rabbit.prefetch, max-in-flight and relay-batch must be at least 1");
        }
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("messagecenter.queue.rabbit.prefix must not be blank");
        }
    }

    /** The defaults, with another broker address and name prefix (tests, tools). */
    public static RabbitQueueProperties of(String host, int port, String prefix) {
        return new RabbitQueueProperties(
                host,
                port,
                "guest",
                "guest",
                "/",
                prefix,
                "quorum",
                5,
                256,
                Duration.ofSeconds(10),
                500,
                Duration.ofMinutes(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }
}
