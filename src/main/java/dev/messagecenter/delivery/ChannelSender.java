package dev.messagecenter.delivery;

import java.util.List;

/**
 * Delivers packages on one channel. Adding a channel is adding one bean of this type: the name it
 * returns becomes a valid value of a message's {@code channels}.
 *
 * <p>{@link #deliver} may be called again for a package it already delivered (a redelivery after a
 * crash or an expired lease); it must then change nothing twice. Called from many threads.
 */
public interface ChannelSender {

    /** The channel's name in messages, upper case: {@code INBOX}, {@code PUSH}, ... */
    String channel();

    /**
     * Whether a segment broadcast on this channel is stored once and needs no per-recipient work.
     * Such channels get no packages for segments; explicit lists still get packages.
     */
    default boolean storedOnceForSegments() {
        return false;
    }

    DeliveryResult deliver(DeliveryPackage work);

    /**
     * Whether delivering is only a write to this service's own database that joins the caller's
     * transaction (the inbox). The planner then delivers a one-page list's packages on this channel
     * in the transaction that plans them, instead of handing them to the queue: a direct send is in
     * its inbox the moment its planning commits, and costs no queue round trip.
     */
    default boolean deliversInTransaction() {
        return false;
    }

    /**
     * Whether {@link #deliverAll} delivers several packages at once, all or nothing (one database
     * transaction), so that a batch that failed can be delivered again without repeating anything
     * a recipient notices. Channels that call out to others one package at a time answer false and
     * are handed their packages one by one.
     */
    default boolean deliversInBatches() {
        return false;
    }

    /**
     * Delivers several packages at once, answering one result per package in the same order; used
     * only when {@link #deliversInBatches()} is true.
     */
    default List<DeliveryResult> deliverAll(List<DeliveryPackage> work) {
        return work.stream().map(this::deliver).toList();
    }
}
