package dev.messagecenter.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.messagecenter.coordinator.rabbit.RabbitTopology;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * One run's share of the machine's own PostgreSQL, RabbitMQ and Redis for {@code --mode
 * distributed}: a database, a queue prefix and a key prefix of its own, created before the service
 * starts and removed after it stopped, so runs never see each other's data and nothing is left
 * behind on the shared servers.
 */
final class DistributedServers implements AutoCloseable {

    private final BenchOptions options;
    private final String name;

    private DistributedServers(BenchOptions options, String name) {
        this.options = options;
        this.name = name;
    }

    /** Creates the run's database; the queue topology and keys appear when the service starts. */
    static DistributedServers create(BenchOptions options, int run) throws SQLException {
        String name = "mc_bench_run" + run + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(options.postgresUrl() + "postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        }
        return new DistributedServers(options, name);
    }

    String jdbcUrl() {
        return options.postgresUrl() + name;
    }

    /** The service's settings for this run, as JVM arguments. */
    List<String> serviceArguments() {
        return List.of(
                "-Dmessagecenter.database.url=" + jdbcUrl(),
                "-Dmessagecenter.database.username=postgres",
                "-Dmessagecenter.queue.type=rabbit",
                "-Dmessagecenter.queue.rabbit.host=" + options.rabbitHost(),
                "-Dmessagecenter.queue.rabbit.port=" + options.rabbitPort(),
                "-Dmessagecenter.queue.rabbit.prefix=" + name,
                "-Dmessagecenter.redis.enabled=true",
                "-Dmessagecenter.redis.url=" + options.redisUrl(),
                "-Dmessagecenter.redis.prefix=" + name + ":");
    }

    @Override
    public void close() throws Exception {
        ConnectionFactory rabbit = new ConnectionFactory();
        rabbit.setHost(options.rabbitHost());
        rabbit.setPort(options.rabbitPort());
        RabbitTopology topology = new RabbitTopology(name, "quorum");
        try (com.rabbitmq.client.Connection connection = rabbit.newConnection();
                Channel channel = connection.createChannel()) {
            for (String queue : topology.queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(topology.exchange());
            channel.exchangeDelete(topology.deadLetterExchange());
        }
        RedisClient redis = RedisClient.create(options.redisUrl());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            ScanArgs matching = ScanArgs.Builder.matches(name + ":*").limit(1000);
            KeyScanCursor<String> cursor = connection.sync().scan(matching);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    connection.sync().del(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = connection.sync().scan(ScanCursor.of(cursor.getCursor()), matching);
            }
        } finally {
            redis.shutdown();
        }
        try (Connection admin = DriverManager.getConnection(options.postgresUrl() + "postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }
}
