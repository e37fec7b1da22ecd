package dev.messagecenter.coordinator.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.RequiredServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service in distributed queue mode: a broadcast travels planner → RabbitMQ → workers to
 * SENT with exact stats. Its own context, database folder and queues (random prefix), all removed
 * afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RabbitModeIT {

    private static final String ADMIN_KEY = "test-admin-key-rabbit-0123456789";
    private static final String PREFIX = "mc-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path DATA_DIR =
            Path.of("target", "it-data", UUID.randomUUID().toString());
    private static final FakePushGateway GATEWAY = FakePushGateway.start();
    private static RequiredServices.@Nullable Endpoint rabbit;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private static @Nullable ConfigurableApplicationContext app;

    @Autowired
    void app(ConfigurableApplicationContext context) {
        app = context;
    }

    @BeforeAll
    static void broker() {
        rabbit = RequiredServices.rabbitMq();
    }

    @DynamicPropertySource
    static void distributedQueue(DynamicPropertyRegistry registry) {
        registry.add("messagecenter.database.embedded.data-dir", DATA_DIR::toString);
        registry.add("messagecenter.security.admin-key", () -> ADMIN_KEY);
        registry.add("messagecenter.push.base-url", GATEWAY::baseUrl);
        registry.add("messagecenter.coordinator.poll-interval", () -> "50ms");
        registry.add("messagecenter.queue.type", () -> "rabbit");
        registry.add("messagecenter.queue.rabbit.host", () -> rabbit.host());
        registry.add("messagecenter.queue.rabbit.port", () -> rabbit.port());
        registry.add("messagecenter.queue.rabbit.prefix", () -> PREFIX);
    }

    @AfterAll
    static void cleanUp() {
        // why: the service stops consuming before its queues are deleted under it (the context
        // itself is closed later by @DirtiesContext)
        if (app != null) {
            app.stop();
        }
        GATEWAY.close();
        if (rabbit == null) {
            return;
        }
        CachingConnectionFactory connections = RabbitQueueConfiguration.connectionFactory(
                RabbitQueueProperties.of(rabbit.host(), rabbit.port(), PREFIX));
        try {
            new RabbitTopology(PREFIX, "quorum").delete(new RabbitAdmin(connections));
        } finally {
            connections.destroy();
        }
    }

    @Test
    void broadcastTravelsThroughRabbitMqToSentWithExactStats() {
        ApiClient api = new ApiClient(port);
        String city = "rmq-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            lines.append(
                    "{\"id\":\"%1$s-%2$d\",\"kind\":\"rider\",\"city\":\"%1$s\",\"channels\":{\"push\":[{\"platform\":\"ios\",\"token\":\"%1$s-t%2$d\"}]}}\n"
                            .formatted(city, i));
        }
        assertThat(api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "application/x-ndjson", lines.toString())
                        .json()
                        .path("imported")
                        .asLong())
                .isEqualTo(2_000);

        String id = api.postJson("/api/v1/messages", ADMIN_KEY, """
                        {"title":"Through the broker","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},
                         "channels":["INBOX","PUSH"]}""".formatted(city))
                .json()
                .path("id")
                .asString();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo("SENT"));
        JsonNode stats = api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
        assertThat(stats.path("targeted").asLong()).isEqualTo(2_000);
        assertThat(stats.path("delivered").path("INBOX").asLong()).isEqualTo(2_000);
        assertThat(stats.path("delivered").path("PUSH").asLong()).isEqualTo(2_000);
        assertThat(stats.path("failed").asLong()).isZero();
        assertThat(stats.path("packages").path("total").asLong()).isEqualTo(4);
        assertThat(stats.path("packages").path("done").asLong()).isEqualTo(4);
        for (int i = 0; i < 2_000; i++) {
            assertThat(GATEWAY.deliveredCount(city + "-t" + i)).isEqualTo(1);
        }
        assertThat(jdbc.sql("select count(*) from packages where message_id = :id and queued_at is not null")
                        .param("id", UUID.fromString(id))
                        .query(Long.class)
                        .single())
                .as("every package went through the broker")
                .isEqualTo(4);
        CachingConnectionFactory connections = RabbitQueueConfiguration.connectionFactory(
                RabbitQueueProperties.of(rabbit.host(), rabbit.port(), PREFIX));
        try {
            Properties bulk = new RabbitAdmin(connections).getQueueProperties(PREFIX + ".packages.bulk");
            assertThat(bulk).as("the lane queue exists").isNotNull();
        } finally {
            connections.destroy();
        }
    }
}
