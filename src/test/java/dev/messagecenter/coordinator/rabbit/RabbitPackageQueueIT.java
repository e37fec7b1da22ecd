package dev.messagecenter.coordinator.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.coordinator.PackageQueueContract;
import dev.messagecenter.coordinator.jdbc.JdbcPackageStore;
import dev.messagecenter.message.Lane;
import dev.messagecenter.testfixtures.RequiredServices;
import dev.messagecenter.testfixtures.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The contract over a real RabbitMQ, in queues of its own (random prefix), deleted afterwards. */
class RabbitPackageQueueIT extends PackageQueueContract {

    private static HikariDataSource database;
    private static CachingConnectionFactory connections;
    private static RabbitAdmin admin;
    private static RabbitTopology topology;
    private static RabbitQueueProperties properties;

    @BeforeAll
    static void broker() {
        RequiredServices.Endpoint rabbit = RequiredServices.rabbitMq();
        database = TestDatabase.fresh();
        String prefix = "mc-test-" + UUID.randomUUID().toString().substring(0, 8);
        properties = RabbitQueueProperties.of(rabbit.host(), rabbit.port(), prefix);
        connections = RabbitQueueConfiguration.connectionFactory(properties);
        admin = new RabbitAdmin(connections);
        topology = new RabbitTopology(prefix, properties.queueType());
        topology.declare(admin);
    }

    @AfterAll
    static void deleteQueues() {
        if (admin != null) {
            topology.delete(admin);
            connections.destroy();
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected DataSource dataSource() {
        return database;
    }

    @Override
    protected PackageQueue createQueue(
            JdbcClient jdbc, TransactionTemplate transaction, CoordinatorProperties coordinator) {
        return new RabbitPackageQueue(
                topology,
                RabbitQueueConfiguration.template(connections),
                jdbc,
                new JdbcPackageStore(jdbc),
                transaction,
                coordinator,
                properties,
                new SimpleMeterRegistry());
    }

    @Test
    void rejectsAnUnreadableMessageToTheDeadLetterQueue() {
        PackageQueue queue = ownQueue(JdbcClient.create(database));
        try {
            queue.consume(Lane.DIRECT, 1, claimed -> {});
            RabbitQueueConfiguration.template(connections)
                    .send(
                            topology.exchange(),
                            Lane.DIRECT.id(),
                            MessageBuilder.withBody("not a package".getBytes(StandardCharsets.UTF_8))
                                    .build());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Properties dead = admin.getQueueProperties(topology.deadLetterQueue());
                assertThat(dead).isNotNull();
                assertThat(((Number) dead.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).longValue())
                        .isEqualTo(1);
            });
        } finally {
            queue.stop();
        }
    }

    @Test
    void publishesAgainAMarkWhoseConfirmWasNeverRecordedButNotAConfirmedOne() {
        // why: a relay killed between its mark and the confirm leaves a package marked queued that
        // the broker may never have seen; a confirmed mark is left alone until republish-after
        JdbcClient jdbc = JdbcClient.create(database);
        UUID message = sendingMessage(jdbc, Lane.BULK);
        long unconfirmed = markedPackage(jdbc, message, 0, false);
        long confirmed = markedPackage(jdbc, message, 1, true);
        PackageQueue queue = ownQueue(jdbc);
        Queue<Long> consumed = new ConcurrentLinkedQueue<>();
        try {
            queue.consume(Lane.BULK, 1, claimed -> {
                consumed.add(claimed.packageId());
                jdbc.sql("update packages set state = 'done', updated_at = now() where id = :id")
                        .param("id", claimed.packageId())
                        .update();
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> consumed.contains(unconfirmed));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(consumed).containsExactly(unconfirmed));
        } finally {
            queue.stop();
            jdbc.sql("update packages set state = 'canceled' where id = :id")
                    .param("id", confirmed)
                    .update();
        }
    }

    @Test
    void aDirectConsumerWorksTheMessagesThatHaveArrivedTogether() {
        JdbcClient jdbc = JdbcClient.create(database);
        UUID message = sendingMessage(jdbc, Lane.DIRECT);
        List<Long> ids =
                jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients)
                        select :message, 'INBOX', 'direct', g, array['r-1'] from generate_series(0, 29) g
                        returning id
                        """).param("message", message).query(Long.class).list();
        PackageQueue queue = ownQueue(jdbc);
        Queue<Integer> batches = new ConcurrentLinkedQueue<>();
        Queue<Long> worked = new ConcurrentLinkedQueue<>();
        try {
            queue.published(Lane.DIRECT);
            // why: the relay publishes all 30 before a consumer starts, so batches can fill
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("select count(*) from packages where id = any(:ids) and queued_confirmed"
                                            + " and queued_version = updated_at")
                                    .param("ids", ids.toArray(Long[]::new))
                                    .query(Long.class)
                                    .single()
                            == ids.size());
            queue.consume(Lane.DIRECT, 1, new PackageQueue.PackageConsumer() {
                @Override
                public void accept(PackageQueue.ClaimedPackage claimed) {
                    acceptAll(List.of(claimed));
                }

                @Override
                public void acceptAll(List<PackageQueue.ClaimedPackage> claimed) {
                    batches.add(claimed.size());
                    claimed.forEach(one -> worked.add(one.packageId()));
                }
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> worked.size() == ids.size());
            assertThat(worked).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(batches).as("batch sizes").allMatch(size -> size <= 20).anyMatch(size -> size > 1);
        } finally {
            queue.stop();
            jdbc.sql("update packages set state = 'canceled' where id = any(:ids)")
                    .param("ids", ids.toArray(Long[]::new))
                    .update();
        }
    }

    /** A queue of the test's own, stopped by the test, with the contract's settings. */
    private PackageQueue ownQueue(JdbcClient jdbc) {
        return createQueue(
                jdbc,
                new TransactionTemplate(new org.springframework.jdbc.datasource.DataSourceTransactionManager(database)),
                properties(Duration.ofSeconds(30)));
    }

    /** A list message being sent on the lane, for packages to belong to. */
    private static UUID sendingMessage(JdbcClient jdbc, Lane lane) {
        UUID message = UUID.randomUUID();
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, channels, lane, status)
                        values (:id, 'queue test', 'b', 'test', 'list', array['INBOX', 'PUSH'], :lane, 'SENDING')
                        """).param("id", message).param("lane", lane.id()).update();
        return message;
    }

    private static long markedPackage(JdbcClient jdbc, UUID message, int seq, boolean confirmed) {
        return jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, queued_version, queued_at,
                            queued_confirmed, updated_at)
                        values (:message, 'PUSH', 'bulk', :seq, array['r-1'], now() - interval '1 hour',
                            now() - interval '1 hour', :confirmed, now() - interval '1 hour')
                        returning id
                        """)
                .param("message", message)
                .param("seq", seq)
                .param("confirmed", confirmed)
                .query(Long.class)
                .single();
    }

    @Test
    void readsOnlyTheMessagesItWrites() {
        byte[] body = RabbitPackageQueue.body(42, Lane.BULK);
        assertThat(RabbitPackageQueue.packageId(body)).hasValue(42);
        assertThat(RabbitPackageQueue.packageId("{\"packageId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
