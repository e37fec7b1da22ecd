package dev.messagecenter.coordinator.rabbit;

import com.rabbitmq.client.Channel;
import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.coordinator.PackageStore;
import dev.messagecenter.message.Lane;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The distributed queue: packages travel through RabbitMQ, the packages table stays the truth.
 *
 * <p><b>Relay.</b> The planner commits packages as pending; one relay thread per lane then takes
 * pending, due packages that the broker has no message for yet ({@code queued_version} differs
 * from the row's {@code updated_at}), marks them queued in a short transaction, publishes them
 * persistent with correlated publisher confirms (at most {@code max-in-flight} unconfirmed), and
 * then records the confirms ({@code queued_confirmed}); a package the broker did not confirm loses
 * its mark and goes out in the next round. No row lock is held while the broker confirms, so a
 * consumer claims a package as soon as its message arrives. The relay runs when {@link #published}
 * wakes it and every poll interval, so packages whose retry time arrived and packages made pending
 * again by an expired lease are published by the same query; marks left without a recorded confirm
 * by a stopped relay are published again after {@code confirm-timeout}, and confirmed packages
 * still pending after {@code republish-after} (a lost message) too. Retry delays stay in the
 * database ({@code next_attempt_at}), never in broker TTLs.
 *
 * <p><b>Consumers.</b> Manual acks, {@code prefetch} per consumer, {@code workers} consumers per
 * lane. A direct-lane consumer takes the messages that have arrived, up to {@code direct-batch},
 * claims each and works them together, as the embedded queue does; the bulk lane works one at a
 * time. A delivery claims its package by id exactly as the embedded queue claims one (pending →
 * dispatched, attempts + 1, lease) and is acked after the consumer has recorded the outcome. A
 * delivery whose package is not claimable (done, canceled, held by another worker, not due) is
 * acked and dropped: the relay publishes the package again whenever it becomes pending. A consumer
 * that throws releases the package to pending (the relay re-publishes it); a claim the database
 * could not run goes through the lane's retry queue ({@code retry-delay}); an unreadable message
 * is rejected to the dead-letter queue. {@link #stop()} lets each consumer finish the package in
 * hand and hands the prefetched messages back to the broker.
 *
 * <p><b>Broker unreachable.</b> Nothing is lost and nothing waits in memory: the packages stay
 * pending in PostgreSQL. The relay logs the outage once, retries with a backoff of at most
 * {@value #MAX_RECONNECT_BACKOFF_SECONDS} s, and logs the recovery; the listener containers
 * reconnect by themselves (every 5 s). Metrics: {@value #RELAYED}{lane,outcome} counts packages
 * published, confirmed, nacked, returned (unroutable), unconfirmed (no confirm in time) and failed
 * (publish refused: broker unreachable); {@value #RELEASED}{lane,reason} counts packages made
 * pending again (lease-expired, worker-failed).
 */
public final class RabbitPackageQueue implements PackageQueue {

    /** Packages the relay handled, by {@code lane} and {@code outcome}. */
    public static final String RELAYED = "messagecenter.rabbit.relay";
    /** Packages returned to pending for the relay to publish again, by {@code lane} and {@code reason}. */
    public static final String RELEASED = "messagecenter.rabbit.released";

    static final long MAX_RECONNECT_BACKOFF_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(RabbitPackageQueue.class);
    private static final Pattern BODY = Pattern.compile("\\{\"packageId\":(\\d{1,19}),\"lane\":\"([a-z]+)\"}");
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
    /** How long a direct-lane consumer waits for more messages before it works those it has. */
    private static final Duration BATCH_RECEIVE_TIMEOUT = Duration.ofMillis(10);
    /** A row version (a timestamp) as a number of microseconds, exact both ways. */
    private static final String VERSION_MICROS = "cast(extract(epoch from %s) * 1000000 as bigint)";

    private final RabbitTopology topology;
    private final RabbitTemplate template;
    private final JdbcClient jdbc;
    private final PackageStore packages;
    private final TransactionTemplate transaction;
    private final CoordinatorProperties coordinator;
    private final RabbitQueueProperties properties;
    private final Map<Lane, Semaphore> wakeups = new EnumMap<>(Lane.class);
    private final Map<Lane, Semaphore> inFlight = new EnumMap<>(Lane.class);
    private final Map<Lane, Thread> relays = new EnumMap<>(Lane.class);
    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    private final MeterRegistry meters;
    private volatile boolean running = true;

    public RabbitPackageQueue(
            RabbitTopology topology,
            RabbitTemplate template,
            JdbcClient jdbc,
            PackageStore packages,
            TransactionTemplate transaction,
            CoordinatorProperties coordinator,
            RabbitQueueProperties properties,
            MeterRegistry meters) {
        this.topology = topology;
        this.template = template;
        this.jdbc = jdbc;
        this.packages = packages;
        this.transaction = transaction;
        this.coordinator = coordinator;
        this.properties = properties;
        this.meters = meters;
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
        // why: with the broker down or just restarted, the queue may not be declared yet; the
        // consumers keep retrying instead of stopping for good
        container.setMissingQueuesFatal(false);
        // why: stop() lets packages in hand finish, as long as a lease would let them
        container.setShutdownTimeout(coordinator.packageLease().toMillis());
        // why: by default a stopping container first works through every prefetched message; that
        // outlasts the shutdown timeout, which then interrupts pushes in flight, and a push the
        // gateway took but whose answer was cut off is sent again (a rolling restart repeated
        // 200 pushes, DistributedFaultsIT). Stop after the package in hand; the broker hands the
        // prefetched ones to other instances
        container.setForceStop(true);
        container.setBeanName("packages-" + lane.id());
        int batch = lane == Lane.DIRECT ? coordinator.directBatch() : 1;
        if (batch > 1) {
            // why: as on the embedded queue, a direct-lane consumer works what has arrived, up to
            // direct-batch packages, in one go (one inbox insert, one transaction for the outcomes);
            // it does not wait for a batch to fill: a lone package goes out after at most the
            // receive timeout
            container.setConsumerBatchEnabled(true);
            container.setBatchSize(batch);
            container.setPrefetchCount(Math.max(properties.prefetch(), batch));
            container.setReceiveTimeout(BATCH_RECEIVE_TIMEOUT.toMillis());
            container.setBatchReceiveTimeout(BATCH_RECEIVE_TIMEOUT.toMillis());
            container.setMessageListener((ChannelAwareBatchMessageListener)
                    (messages, channel) -> deliverAll(lane, messages, channel, consumer));
        } else {
            container.setMessageListener((ChannelAwareMessageListener)
                    (message, channel) -> deliverAll(lane, List.of(message), channel, consumer));
        }
        container.afterPropertiesSet();
        container.start();
        containers.add(container);
    }

    /**
     * Deliveries of the lane (one on the bulk lane, up to {@code direct-batch} on the direct lane):
     * each claimed by id, the claimed ones worked together by {@link PackageConsumer#acceptAll},
     * then every message acked, including those whose package was not claimable (done, canceled,
     * held by another worker, not due).
     */
    private void deliverAll(Lane lane, List<Message> messages, @Nullable Channel channel, PackageConsumer consumer) {
        if (channel == null) {
            throw new IllegalStateException("manual acknowledgement needs a channel");
        }
        List<ClaimedPackage> claimed = new ArrayList<>(messages.size());
        List<Long> acks = new ArrayList<>(messages.size());
        try {
            for (Message message : messages) {
                long tag = message.getMessageProperties().getDeliveryTag();
                OptionalLong packageId = packageId(message.getBody());
                if (packageId.isEmpty()) {
                    log.warn(
                            "Rejecting an unreadable package message on {} to {}",
                            topology.queue(lane),
                            topology.deadLetterQueue());
                    channel.basicReject(tag, false);
                    continue;
                }
                try {
                    claim(packageId.getAsLong()).ifPresent(claimed::add);
                } catch (RuntimeException e) {
                    log.warn(
                            "Could not claim package {}; retrying it in {}",
                            packageId.getAsLong(),
                            properties.retryDelay(),
                            e);
                    retryLater(lane, packageId.getAsLong(), channel, tag);
                    continue;
                }
                acks.add(tag);
            }
        } catch (IOException e) {
            // why: the channel failed; its unacked messages go back to the broker, and their copies
            // are dropped once the packages claimed here are worked below
            log.warn("Channel failed while claiming a batch of lane {}", lane.id(), e);
            acks.clear();
        }
        if (!claimed.isEmpty()) {
            try {
                consumer.acceptAll(claimed);
            } catch (RuntimeException e) {
                log.warn("{} package(s) failed in their consumer; releasing them", claimed.size(), e);
                claimed.forEach(one -> release(lane, one));
            }
        }
        for (long tag : acks) {
            try {
                channel.basicAck(tag, false);
            } catch (IOException | RuntimeException e) {
                // why: the channel closed while the packages were worked; their outcomes are
                // committed, so the copies the broker hands out again are dropped unless due again
                log.info(
                        "Packages of lane {} are recorded but their messages could not be acked ({}); the broker"
                                + " delivers them again",
                        lane.id(),
                        e.toString());
                return;
            }
        }
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
        return packages.claim(packageId, coordinator.packageLease());
    }

    private void release(Lane lane, ClaimedPackage claimed) {
        try {
            int released = jdbc.sql("""
                            update packages set state = 'pending', lease_until = null, updated_at = now()
                            where id = :id and attempts = :attempt and state = 'dispatched'
                            """)
                    .param("id", claimed.packageId())
                    .param("attempt", claimed.attempt())
                    .update();
            released(lane, "worker-failed", released);
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
        Duration backoff = idle;
        Instant nextSweep = Instant.EPOCH;
        Instant nextUnconfirmedCheck = Instant.EPOCH;
        Instant nextStaleCheck = Instant.now().plus(properties.republishAfter());
        @Nullable String outage = null;
        while (running) {
            try {
                Instant now = Instant.now();
                if (!now.isBefore(nextSweep)) {
                    nextSweep = now.plus(SWEEP_INTERVAL);
                    sweepExpiredLeases(lane);
                }
                if (!now.isBefore(nextUnconfirmedCheck)) {
                    nextUnconfirmedCheck = now.plus(properties.confirmTimeout());
                    relayAll(lane, Pick.UNCONFIRMED);
                }
                if (!now.isBefore(nextStaleCheck)) {
                    nextStaleCheck = now.plus(properties.republishAfter().dividedBy(2));
                    relayAll(lane, Pick.STALE);
                }
                Round round = relay(lane, Pick.NEW);
                if (round.brokerError() != null) {
                    if (outage == null) {
                        log.warn(
                                "RabbitMQ is unreachable ({}); packages of lane {} stay pending in PostgreSQL and"
                                        + " the relay retries, backing off to {} s",
                                round.brokerError(),
                                lane.id(),
                                MAX_RECONNECT_BACKOFF_SECONDS);
                    }
                    outage = round.brokerError();
                    wakeups.get(lane).tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
                    // why: a broker that stays down costs one connection attempt per lane every few
                    // seconds, not one per poll interval
                    backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(MAX_RECONNECT_BACKOFF_SECONDS));
                    continue;
                }
                if (outage != null && round.published() > 0) {
                    log.info("RabbitMQ answers again; relaying the pending packages of lane {}", lane.id());
                    outage = null;
                    backoff = idle;
                }
                if (round.queued() < properties.relayBatch()) {
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

    private void relayAll(Lane lane, Pick pick) {
        Round round;
        do {
            round = relay(lane, pick);
        } while (running && round.brokerError() == null && round.queued() == properties.relayBatch());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Publishes one batch of the lane's pending, due packages. The batch is taken and marked queued
     * in a short transaction of its own, so no row stays locked while the broker confirms: a
     * consumer can claim a package the moment its message arrives. Confirmed marks are then
     * recorded as such; a package the broker did not confirm loses its mark and is relayed in the
     * next round. A mark whose confirm was never recorded (the relay stopped in between) is taken
     * again by the {@code stale} round once it is older than the confirm timeout.
     */
    Round relay(Lane lane, Pick pick) {
        List<Marked> marked = transaction.execute(status -> {
            List<Long> ids = jdbc.sql(
                            """
                            select id from packages
                            where lane = :lane and state = 'pending' and next_attempt_at <= now()
                            """ + pick.condition + " order by next_attempt_at, id limit :batch for update skip locked")
                    .param("lane", lane.id())
                    .param("batch", properties.relayBatch())
                    .params(
                            switch (pick) {
                                case NEW -> Map.of();
                                case UNCONFIRMED -> Map.of("age", interval(properties.confirmTimeout()));
                                case STALE -> Map.of("age", interval(properties.republishAfter()));
                            })
                    .query(Long.class)
                    .list();
            if (ids.isEmpty()) {
                return List.<Marked>of();
            }
            Map<Long, Long> versions = new HashMap<>();
            jdbc.sql("""
                            update packages set queued_version = updated_at, queued_at = now(), queued_confirmed = false
                            where id = any(:ids) returning id, %s as version
                            """.formatted(VERSION_MICROS.formatted("queued_version")))
                    .param("ids", ids.toArray(Long[]::new))
                    .query(rs -> {
                        versions.put(rs.getLong("id"), rs.getLong("version"));
                    });
            // why: published in the order they were picked, oldest due first
            return ids.stream().map(id -> new Marked(id, versions.get(id))).toList();
        });
        if (marked == null || marked.isEmpty()) {
            return Round.NOTHING;
        }
        List<CorrelationData> confirms = new ArrayList<>(marked.size());
        Semaphore permits = inFlight.get(lane);
        String brokerError = null;
        for (Marked candidate : marked) {
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
            } catch (AmqpException e) {
                permits.release();
                count(lane, "failed", 1);
                brokerError = e.toString();
                log.debug("Could not publish packages of lane {}; they stay pending", lane.id(), e);
                break;
            }
            confirm.getFuture().whenComplete((result, failure) -> permits.release());
            confirms.add(confirm);
        }
        count(lane, "published", confirms.size());
        Instant deadline = Instant.now().plus(properties.confirmTimeout());
        List<Marked> confirmed = new ArrayList<>(confirms.size());
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < confirms.size(); i++) {
            Duration left = Duration.between(Instant.now(), deadline);
            String outcome = outcome(confirms.get(i), left.isNegative() ? Duration.ZERO : left);
            outcomes.merge(outcome, 1, Integer::sum);
            if (outcome.equals("confirmed")) {
                confirmed.add(marked.get(i));
            }
        }
        outcomes.forEach((outcome, n) -> count(lane, outcome, n));
        // why: only the version this round marked, both ways; a package that moved on (claimed,
        // retried, released) and was marked again by another relay keeps that relay's mark
        if (!confirmed.isEmpty()) {
            updateMarks("queued_confirmed = true", "true", confirmed);
        }
        if (confirmed.size() < marked.size()) {
            List<Marked> unconfirmed =
                    marked.stream().filter(m -> !confirmed.contains(m)).toList();
            // why: and only while still pending on that version: a claimed package has moved on
            updateMarks(
                    "queued_version = null", "p.state = 'pending' and p.queued_version = p.updated_at", unconfirmed);
            if (confirmed.size() < confirms.size()) {
                log.warn(
                        "{} of {} packages of lane {} were not confirmed by the broker ({}); they stay pending",
                        confirms.size() - confirmed.size(),
                        confirms.size(),
                        lane.id(),
                        outcomes);
            }
        }
        return new Round(confirms.size(), confirmed.size(), brokerError);
    }

    /** Sets {@code assignment} on packages whose unconfirmed mark is still the one given. */
    private void updateMarks(String assignment, String condition, List<Marked> marks) {
        jdbc.sql("""
                        update packages p set %s
                        from unnest(:ids, :versions) as m(id, version)
                        where p.id = m.id and not p.queued_confirmed and %s = m.version and %s
                        """.formatted(assignment, VERSION_MICROS.formatted("p.queued_version"), condition))
                .param("ids", marks.stream().map(Marked::id).toArray(Long[]::new))
                .param("versions", marks.stream().map(Marked::version).toArray(Long[]::new))
                .update();
    }

    /** A package marked for publishing, with the version of the row the mark is for. */
    private record Marked(long id, long version) {}

    /** Which pending packages a relay round takes. */
    enum Pick {
        /** Packages the broker has no message for yet: new, retried, released. */
        NEW("and queued_version is distinct from updated_at"),
        /** Packages marked for publishing whose confirm was never recorded, older than the confirm timeout. */
        UNCONFIRMED("and queued_version = updated_at and not queued_confirmed"
                + " and queued_at < now() - cast(:age as interval)"),
        /** Confirmed packages still pending long after (their message was lost), older than republish-after. */
        STALE("and queued_version = updated_at and queued_confirmed and queued_at < now() - cast(:age as interval)");

        private final String condition;

        Pick(String condition) {
            this.condition = condition;
        }
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }

    private void count(Lane lane, String outcome, int packages) {
        if (packages > 0) {
            meters.counter(RELAYED, "lane", lane.id(), "outcome", outcome).increment(packages);
        }
    }

    private void released(Lane lane, String reason, int packages) {
        if (packages > 0) {
            meters.counter(RELEASED, "lane", lane.id(), "reason", reason).increment(packages);
        }
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
        return outcome(confirm, wait).equals("confirmed");
    }

    /** What became of a published package: confirmed, nacked, returned or unconfirmed. */
    private static String outcome(CorrelationData confirm, Duration wait) {
        try {
            CorrelationData.Confirm result =
                    confirm.getFuture().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            if (!result.ack()) {
                return "nacked";
            }
            // why: an unroutable message is acked by the broker but returned to us: it reached no queue
            return confirm.getReturned() == null ? "confirmed" : "returned";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unconfirmed";
        } catch (ExecutionException | TimeoutException e) {
            return "unconfirmed";
        }
    }

    /** Returns the lane's packages whose worker stopped answering to pending, for the relay. */
    int sweepExpiredLeases(Lane lane) {
        int released = jdbc.sql("""
                        update packages set state = 'pending', lease_until = null, next_attempt_at = now(),
                            lost = lost + 1, last_error = 'lease expired', updated_at = now()
                        where lane = :lane and state = 'dispatched' and lease_until < now()
                        """).param("lane", lane.id()).update();
        if (released > 0) {
            log.warn("Released {} packages of lane {} whose lease expired", released, lane.id());
            released(lane, "lease-expired", released);
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

    /**
     * One relay round: packages published, of which confirmed and marked queued, and the broker's
     * error when a publish was refused (the rest of the batch stays pending).
     */
    record Round(int published, int queued, @Nullable String brokerError) {
        static final Round NOTHING = new Round(0, 0, null);
    }
}
