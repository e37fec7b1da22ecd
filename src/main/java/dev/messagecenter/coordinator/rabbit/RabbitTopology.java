package dev.messagecenter.coordinator.rabbit;

import dev.messagecenter.message.Lane;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

/**
 * The broker objects of the package queue, all durable and named from one prefix:
 * <ul>
 *   <li>{@code <prefix>.packages}: direct exchange, routing key = lane id;
 *   <li>{@code <prefix>.packages.<lane>}: the lane's queue, dead-lettering to the dead-letter exchange;
 *   <li>{@code <prefix>.packages.<lane>.retry}: no consumers; a message waits its per-message TTL, then
 *       dead-letters back to the lane's queue;
 *   <li>{@code <prefix>.packages.dlx} (fanout) and {@code <prefix>.packages.dead}: rejected (unreadable)
 *       messages, kept for an operator.
 * </ul>
 */
public record RabbitTopology(String prefix, String queueType) {

    public String exchange() {
        return prefix + ".packages";
    }

    public String deadLetterExchange() {
        return prefix + ".packages.dlx";
    }

    public String deadLetterQueue() {
        return prefix + ".packages.dead";
    }

    public String queue(Lane lane) {
        return prefix + ".packages." + lane.id();
    }

    public String retryQueue(Lane lane) {
        return queue(lane) + ".retry";
    }

    String routingKey(Lane lane) {
        return lane.id();
    }

    String retryRoutingKey(Lane lane) {
        return lane.id() + ".retry";
    }

    /** Every queue of the topology, e.g. to delete them. */
    public List<String> queues() {
        List<String> names = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            names.add(queue(lane));
            names.add(retryQueue(lane));
        }
        names.add(deadLetterQueue());
        return names;
    }

    /**
     * Every exchange, queue and binding, for a {@code RabbitAdmin} to declare whenever it opens a
     * connection: at the first connection, and again after the broker comes back.
     */
    public Declarables declarables() {
        List<Declarable> all = new ArrayList<>();
        DirectExchange packages =
                ExchangeBuilder.directExchange(exchange()).durable(true).build();
        FanoutExchange dead = ExchangeBuilder.fanoutExchange(deadLetterExchange())
                .durable(true)
                .build();
        Queue deadQueue = typed(QueueBuilder.durable(deadLetterQueue())).build();
        all.addAll(List.of(
                packages, dead, deadQueue, BindingBuilder.bind(deadQueue).to(dead)));
        for (Lane lane : Lane.values()) {
            Queue queue = typed(QueueBuilder.durable(queue(lane)))
                    .deadLetterExchange(deadLetterExchange())
                    .build();
            Queue retry = typed(QueueBuilder.durable(retryQueue(lane)))
                    .deadLetterExchange(exchange())
                    .deadLetterRoutingKey(routingKey(lane))
                    .build();
            all.addAll(List.of(
                    queue,
                    retry,
                    BindingBuilder.bind(queue).to(packages).with(routingKey(lane)),
                    BindingBuilder.bind(retry).to(packages).with(retryRoutingKey(lane))));
        }
        return new Declarables(all);
    }

    /** Declares everything now; idempotent while the arguments are unchanged. */
    public void declare(AmqpAdmin admin) {
        for (Declarable declarable : declarables().getDeclarables()) {
            switch (declarable) {
                case Exchange exchange -> admin.declareExchange(exchange);
                case Queue queue -> admin.declareQueue(queue);
                case Binding binding -> admin.declareBinding(binding);
                default -> throw new IllegalStateException("Unexpected declarable " + declarable);
            }
        }
    }

    /** Deletes the exchanges and queues (tests, a changed queue type). */
    public void delete(AmqpAdmin admin) {
        queues().forEach(admin::deleteQueue);
        admin.deleteExchange(exchange());
        admin.deleteExchange(deadLetterExchange());
    }

    private QueueBuilder typed(QueueBuilder builder) {
        return "quorum".equals(queueType) ? builder.quorum() : builder.classic();
    }
}
