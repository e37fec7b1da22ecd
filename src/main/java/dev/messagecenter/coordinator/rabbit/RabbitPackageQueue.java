package dev.messagecenter.coordinator.rabbit;

import com.rabbitmq.client.Channel;
import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.message.Lane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The distributed queue: packages travel through RabbitMQ, the packages table stays the truth.
 *
 * <p><b>Relay.</b> The planner commits packages as pending; one relay thread per lane then takes
 * pending, due packages that the broker has no message for yet ({@code queued_version} differs
 * from the row's {@code updated_at}), publishes them persistent with correlated publisher
 * confirms (at most {@code max-in-flight} unconfirmed), and marks only the confirmed ones queued.
 * It runs when {@link #published} wakes it and every poll interval, so packages left unconfirmed
 * by a crash, packages whose retry time arrived, and packages made pending again by an expired
 * lease are all published by the same query. Retry delays stay in the database
 * ({@code next_attempt_at}), never in broker TTLs.
 *
 * <p><b>Consumers.</b> Manual acks, {@code prefetch} per consumer, {@code workers} consumers per
 * lane. A delivery claims its package by id exactly as the embedded queue claims one (pending →
 * dispatched, attempts + 1, lease) and is acked after the consumer has recorded the outcome. A
 * delivery whose package is not claimable (done, canceled, held by another worker, not due) is
 * acked and dropped: the relay publishes the package again whenever it becomes pending. A consumer
 * that throws releases the package to pending (the relay re-publishes it); a claim the database
 * could not run goes through the lane's retry queue ({@code retry-delay}); an unreadable message
 * is rejected to the dead-letter queue.
 */
public final class RabbitPackageQueue implements PackageQueue {

    private static final Logger log = LoggerFactory.getLogger(RabbitPackageQueue.class);
    private static final Pattern BODY = Pattern.compile("\\{\"packageId\":(\\d{1,19}),\"lane\":\"([a-z]+)\"}");
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);

    private final RabbitTopology topology;
    private final RabbitTemplate template;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final CoordinatorProperties coordinator;
    private final RabbitQueueProperties properties;
    private final Map<Lane, Semaphore> wakeups = new EnumMap<>(Lane.class);
    private final Map<Lane, Semaphore> inFlight = new EnumMap<>(Lane.class);
    private final Map<Lane, Thread> relays = new EnumMap<>(Lane.class);
    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    private volatile boolean running = true;

    public RabbitPackageQueue(
            RabbitTopology topology,
            RabbitTemplate template,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            CoordinatorProperties coordinator,
            RabbitQueueProperties properties) {
        this.topology = topology;
        this.template = template;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.coordinator = coordinator;
        this.properties = properties;
        for (Lane lane : Lane.values()) {
            wakeups.put(lane, new Semaphore(0));
            inFlight.put(lane, new Semaphore(properties.maxInFlight()));
        }
    }

    @Override
    public void published(Lane lane) {
        startRelays();
        Semaphore wakeup = wakeups.get(lane);
        if (wakeup.availablePermits() == 0) {
            wakeup.release();
        }
    }

    @Override
    public synchronized void consume(Lane lane, int workers, PackageConsumer consumer) {
        // why: a stopped queue starts again when asked to consume (a context restarted after a pause)
        running = true;
        startRelays();
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(template.getConnectionFactory());
        container.setQueueNames(topology.queue(lane));
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(properties.prefetch());
        container.setConcurrentConsumers(Math.max(1, workers));
        container.setDefaultRequeueRejected(false);
        // why: stop() lets packages in hand finish, as long as a lease would let them
        container.setShutdownTimeout(coordinator.packageLease().toMillis());
        container.setBeanName("packages-" + lane.id());
        container.setMessageListener(
                (ChannelAwareMessageListener) (message, channel) -> deliver(lane, message, channel, consumer));
        container.afterPropertiesSet();
        container.start();
        containers.add(container);
    }

    private void deliver(Lane lane, Message message, @Nullable Channel channel, PackageConsumer consumer)
            throws IOException {
        if (channel == null) {
            throw new IllegalStateException("manual acknowledgement needs a channel");
        }
        long tag = message.getMessageProperties().getDeliveryTag();
        OptionalLong packageId = packageId(message.getBody());
        if (packageId.isEmpty()) {
            log.warn(
                    "Rejecting an unreadable package message on {} to {}",
                    topology.queue(lane),
                    topology.deadLetterQueue());
            channel.basicReject(tag, false);
            return;
        }
        Optional<ClaimedPackage> claimed;
        try {
            claimed = claim(packageId.getAsLong());
        } catch (RuntimeException e) {
            log.warn(
                    "Could not claim package {}; retrying it in {}", packageId.getAsLong(), properties.retryDelay(), e);
            retryLater(lane, packageId.getAsLong(), channel, tag);
            return;
        }
        if (claimed.isPresent()) {
            try {
                consumer.accept(claimed.get());
            } catch (RuntimeException e) {
                log.warn("Package {} failed in its consumer; releasing it", packageId.getAsLong(), e);
                release(claimed.get());
            }
        }
        channel.basicAck(tag, false);
    }

    private void retryLater(Lane lane, long packageId, Channel channel, long tag) throws IOException {
        CorrelationData confirm = publish(
                topology.retryRoutingKey(lane),
                lane,
                packageId,
                Long.toString(properties.retryDelay().toMillis()));
        if (confirmed(confirm, properties.confirmTimeout())) {
            channel.basicAck(tag, false);
        } else {
            channel.basicNack(tag, false, true);
        }
    }

    Optional<ClaimedPackage> claim(long packageId) {
        return jdbc.sql("""
                        update packages set state = 'dispatched', attempts = attempts + 1,
                            lease_until = now() + cast(:lease as interval),
                            first_attempt_at = coalesce(first_attempt_at, now()), updated_at = now()
                        where id = :id and state = 'pending' and next_attempt_at <= now()
                        returning id, attempts
                        """)
                .param("id", packageId)
                .param("lease", coordinator.packageLease().toMillis() + " milliseconds")
                .query((rs, row) -> new ClaimedPackage(rs.getLong("id"), rs.getInt("attempts")))
                .optional();
    }

    private void release(ClaimedPackage claimed) {
        try {
            jdbc.sql("""
                            update packages set state = 'pending', lease_until = null, updated_at = now()
                            where id = :id and attempts = :attempt and state = 'dispatched'
                            """)
                    .param("id", claimed.packageId())
                    .param("attempt", claimed.attempt())
                    .update();
        } catch (RuntimeException e) {
            // why: the lease sweep hands the package out again when the database answers
            log.warn("Could not release package {}; its lease will", claimed.packageId(), e);
        }
    }

    private synchronized void startRelays() {
        if (!running || !relays.isEmpty()) {
            return;
        }
        for (Lane lane : Lane.values()) {
            Thread thread =
                    Thread.ofPlatform().name("relay-" + lane.id()).daemon(true).unstarted(() -> relayLoop(lane));
            relays.put(lane, thread);
            thread.start();
        }
    }

    private void relayLoop(Lane lane) {
        Duration idle = coordinator.pollInterval();
        Instant nextSweep = Instant.EPOCH;
        Instant nextStaleCheck = Instant.now().plus(properties.republishAfter());
        while (running) {
            try {
                Instant now = Instant.now();
                if (!now.isBefore(nextSweep)) {
                    nextSweep = now.plus(SWEEP_INTERVAL);
                    sweepExpiredLeases(lane);
                }
                if (!now.isBefore(nextStaleCheck)) {
                    nextStaleCheck = now.plus(properties.republishAfter().dividedBy(2));
                    int republished;
                    do {
                        republished = relay(lane, true);
                    } while (running && republished == properties.relayBatch());
                }
                int relayed = relay(lane, false);
                if (relayed < properties.relayBatch()) {
                    wakeups.get(lane).tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Package relay on lane {} hit an error; retrying after {}", lane.id(), idle, e);
                try {
                    wakeups.get(lane).tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Publishes one batch of the lane's pending, due packages and marks the confirmed ones queued;
     * returns how many it took. The rows stay locked until the marks commit, so relays of other
     * instances skip them and a consumer's claim waits for the mark.
     */
    int relay(Lane lane, boolean stale) {
        Integer taken = transaction.execute(status -> {
            List<Candidate> candidates = jdbc.sql("""
                            select id from packages
                            where lane = :lane and state = 'pending' and next_attempt_at <= now()
                            """
                            + (stale
                                    ? "and queued_version = updated_at and queued_at < now() - cast(:age as interval) "
                                    : "and queued_version is distinct from updated_at ")
                            + "order by next_attempt_at, id limit :batch for update skip locked")
                    .param("lane", lane.id())
                    .param("batch", properties.relayBatch())
                    .params(stale ? Map.of("age", properties.republishAfter().toMillis() + " milliseconds") : Map.of())
                    .query((rs, row) -> new Candidate(rs.getLong("id")))
                    .list();
            if (candidates.isEmpty()) {
                return 0;
            }
            List<CorrelationData> confirms = new ArrayList<>(candidates.size());
            Semaphore permits = inFlight.get(lane);
            for (Candidate candidate : candidates) {
                try {
                    if (!permits.tryAcquire(properties.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                CorrelationData confirm;
                try {
                    confirm = publish(topology.routingKey(lane), lane, candidate.id(), null);
                } catch (RuntimeException e) {
                    permits.release();
                    log.warn("Could not publish packages of lane {}; they stay pending", lane.id(), e);
                    break;
                }
                confirm.getFuture().whenComplete((result, failure) -> permits.release());
                confirms.add(confirm);
            }
            Instant deadline = Instant.now().plus(properties.confirmTimeout());
            List<Long> queued = new ArrayList<>(confirms.size());
            for (int i = 0; i < confirms.size(); i++) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (confirmed(confirms.get(i), left.isNegative() ? Duration.ZERO : left)) {
                    queued.add(candidates.get(i).id());
                }
            }
            if (!queued.isEmpty()) {
                jdbc.sql("""
                                update packages set queued_version = updated_at, queued_at = now()
                                where id = any(:ids) and state = 'pending'
                                """).param("ids", queued.toArray(Long[]::new)).update();
            }
            if (queued.size() < candidates.size()) {
                log.warn(
                        "{} of {} packages of lane {} were not confirmed by the broker; they stay pending",
                        candidates.size() - queued.size(),
                        candidates.size(),
                        lane.id());
            }
            return candidates.size();
        });
        return taken == null ? 0 : taken;
    }

    private CorrelationData publish(String routingKey, Lane lane, long packageId, @Nullable String expiration) {
        var builder = MessageBuilder.withBody(body(packageId, lane))
                .setContentType("application/json")
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(Long.toString(packageId));
        if (expiration != null) {
            builder.setExpiration(expiration);
        }
        CorrelationData confirm = new CorrelationData(Long.toString(packageId));
        template.send(topology.exchange(), routingKey, builder.build(), confirm);
        return confirm;
    }

    private static boolean confirmed(CorrelationData confirm, Duration wait) {
        try {
            CorrelationData.Confirm result =
                    confirm.getFuture().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            // why: an unroutable message is acked by the broker but returned to us: it reached no queue
            return result.ack() && confirm.getReturned() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Returns the lane's packages whose worker stopped answering to pending, for the relay. */
    int sweepExpiredLeases(Lane lane) {
        int released = jdbc.sql("""
                        update packages set state = 'pending', lease_until = null, next_attempt_at = now(),
                            last_error = 'lease expired', updated_at = now()
                        where lane = :lane and state = 'dispatched' and lease_until < now()
                        """).param("lane", lane.id()).update();
        if (released > 0) {
            log.warn("Released {} packages of lane {} whose lease expired", released, lane.id());
        }
        return released;
    }

    @Override
    public void stop() {
        List<SimpleMessageListenerContainer> all;
        List<Thread> threads;
        synchronized (this) {
            running = false;
            all = List.copyOf(containers);
            threads = List.copyOf(relays.values());
        }
        // why: consumers first, so packages in hand finish while the relay can still run
        all.forEach(SimpleMessageListenerContainer::stop);
        wakeups.values().forEach(wakeup -> wakeup.release(2));
        for (Thread thread : threads) {
            try {
                thread.join(properties.confirmTimeout().toMillis()
                        + coordinator.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        all.forEach(SimpleMessageListenerContainer::destroy);
        synchronized (this) {
            containers.removeAll(all);
            relays.clear();
        }
    }

    static byte[] body(long packageId, Lane lane) {
        return ("{\"packageId\":" + packageId + ",\"lane\":\"" + lane.id() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static OptionalLong packageId(byte[] body) {
        Matcher matcher = BODY.matcher(new String(body, StandardCharsets.UTF_8).strip());
        if (!matcher.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(matcher.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private record Candidate(long id) {}
}
