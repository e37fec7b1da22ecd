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
     * Delivers several packages, answering one result per package in the same order. By default
     * one after the other; a channel that can deliver many packages at once more cheaply (one
     * statement instead of one per package) overrides it.
     */
    default List<DeliveryResult> deliverAll(List<DeliveryPackage> work) {
        return work.stream().map(this::deliver).toList();
    }
}
