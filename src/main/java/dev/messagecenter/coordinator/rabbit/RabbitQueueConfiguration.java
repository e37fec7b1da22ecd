package dev.messagecenter.coordinator.rabbit;

import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Distributed mode's package queue ({@code messagecenter.queue.type=rabbit}). Spring Boot's own
 * RabbitMQ auto-configuration is excluded in {@code application.yml}, so the embedded default never
 * creates a connection factory, never connects and shows no rabbit health indicator; here the
 * connection is built from {@link RabbitQueueProperties}, and the {@link RabbitTemplate} bean lets
 * Boot add the rabbit health indicator in this mode only.
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

    @Bean
    RabbitAdmin amqpAdmin(CachingConnectionFactory rabbitConnectionFactory) {
        return new RabbitAdmin(rabbitConnectionFactory);
    }

    @Bean
    RabbitTopology rabbitTopology(RabbitQueueProperties properties, RabbitAdmin amqpAdmin) {
        RabbitTopology topology = new RabbitTopology(properties.prefix(), properties.queueType());
        // why: declared at start, so a broker that is missing or refuses the topology fails the start
        topology.declare(amqpAdmin);
        return topology;
    }

    @Bean
    PackageQueue rabbitPackageQueue(
            RabbitTopology rabbitTopology,
            RabbitTemplate rabbitTemplate,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            CoordinatorProperties coordinator,
            RabbitQueueProperties properties) {
        return new RabbitPackageQueue(rabbitTopology, rabbitTemplate, jdbc, transaction, coordinator, properties);
    }
}
