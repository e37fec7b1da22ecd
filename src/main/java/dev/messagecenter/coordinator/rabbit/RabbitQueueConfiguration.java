package dev.messagecenter.coordinator.rabbit;

import com.rabbitmq.client.ShutdownSignalException;
import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.coordinator.PackageStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Distributed mode's package queue ({@code messagecenter.queue.type=rabbit}). Spring Boot's own
 * RabbitMQ auto-configuration is excluded in {@code application.yml}, so the embedded default never
 * creates a connection factory, never connects and shows no rabbit health component; here the
 * connection is built from {@link RabbitQueueProperties}, with this mode's own health component
 * ({@link RabbitHealthIndicator}, which replaces Boot's by its bean name) in the readiness group.
 *
 * <p>The service starts whether or not the broker answers: the topology is declared by the
 * {@link RabbitAdmin} whenever a connection opens (the first one, and every one after a broker
 * restart), the relay keeps packages pending in PostgreSQL until the broker confirms them, and the
 * consumers reconnect by themselves. Only a broker that answers and refuses (credentials, a
 * topology that conflicts with existing queues) fails the start.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "messagecenter.queue.type", havingValue = "rabbit")
@EnableConfigurationProperties(RabbitQueueProperties.class)
public class RabbitQueueConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RabbitQueueConfiguration.class);

    /** A connection factory with correlated publisher confirms and returns, as the relay needs. */
    public static CachingConnectionFactory connectionFactory(RabbitQueueProperties properties) {
        CachingConnectionFactory factory = new CachingConnectionFactory(properties.host(), properties.port());
        factory.setUsername(properties.username());
        factory.setPassword(properties.password());
        factory.setVirtualHost(properties.virtualHost());
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        factory.setConnectionNameStrategy(f -> "message-center");
        // why: the client's default is 60 s, which a blackholed broker would make every relay round,
        // consumer restart and health check wait
        factory.setConnectionTimeout(Math.toIntExact(properties.connectTimeout().toMillis()));
        return factory;
    }

    /** A template that publishes mandatory messages, so an unroutable package is not confirmed. */
    public static RabbitTemplate template(CachingConnectionFactory factory) {
        RabbitTemplate template = new RabbitTemplate(factory);
        template.setMandatory(true);
        return template;
    }

    @Bean(destroyMethod = "destroy")
    CachingConnectionFactory rabbitConnectionFactory(RabbitQueueProperties properties) {
        log.info(
                "Package queue on RabbitMQ at {}:{}{} (prefix {}, {} queues)",
                properties.host(),
                properties.port(),
                properties.virtualHost(),
                properties.prefix(),
                properties.queueType());
        return connectionFactory(properties);
    }

    @Bean
    RabbitTemplate rabbitTemplate(CachingConnectionFactory rabbitConnectionFactory) {
        return template(rabbitConnectionFactory);
    }

    /** Declares {@link #rabbitDeclarables} on every new connection, so a broker may come up late. */
    @Bean
    RabbitAdmin amqpAdmin(CachingConnectionFactory rabbitConnectionFactory) {
        return new RabbitAdmin(rabbitConnectionFactory);
    }

    @Bean
    RabbitTopology rabbitTopology(RabbitQueueProperties properties) {
        return new RabbitTopology(properties.prefix(), properties.queueType());
    }

    @Bean
    Declarables rabbitDeclarables(RabbitTopology rabbitTopology) {
        return rabbitTopology.declarables();
    }

    /** Declares the topology at start when the broker answers; only a refusal fails the start. */
    @Bean
    SmartInitializingSingleton rabbitTopologyAtStart(RabbitAdmin amqpAdmin, RabbitQueueProperties properties) {
        return () -> {
            try {
                amqpAdmin.initialize();
            } catch (AmqpException e) {
                if (refusedByTheBroker(e)) {
                    throw e;
                }
                log.warn(
                        "RabbitMQ at {}:{} is unreachable at start ({}); starting anyway: sends are accepted into"
                                + " PostgreSQL, and the topology is declared and packages relayed once it answers",
                        properties.host(),
                        properties.port(),
                        e.getMessage());
            }
        };
    }

    /**
     * Whether the broker answered and said no (credentials, a declaration that conflicts with what
     * exists), as opposed to not answering at all (refused or timed-out connection, unknown host).
     */
    static boolean refusedByTheBroker(AmqpException e) {
        if (e instanceof AmqpAuthenticationException) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownSignalException) {
                return true;
            }
        }
        return false;
    }

    @Bean
    RabbitHealthIndicator rabbitHealthIndicator(RabbitTemplate rabbitTemplate) {
        return new RabbitHealthIndicator(rabbitTemplate);
    }

    @Bean
    HealthEndpointGroupsPostProcessor rabbitInReadiness() {
        return new RabbitInReadiness();
    }

    @Bean
    PackageQueue rabbitPackageQueue(
            RabbitTopology rabbitTopology,
            RabbitTemplate rabbitTemplate,
            JdbcClient jdbc,
            PackageStore packages,
            TransactionTemplate transaction,
            CoordinatorProperties coordinator,
            RabbitQueueProperties properties,
            MeterRegistry meters) {
        return new RabbitPackageQueue(
                rabbitTopology, rabbitTemplate, jdbc, packages, transaction, coordinator, properties, meters);
    }
}
