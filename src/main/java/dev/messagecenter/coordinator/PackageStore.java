package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Packages and their state machine. Outcome methods are fenced by the attempt number a worker was
 * handed: an outcome from a worker whose lease expired (and whose package was handed to another)
 * changes nothing. All methods join the caller's transaction.
 */
public interface PackageStore {

    long insert(UUID messageId, String channel, Lane lane, int seq, List<String> recipients);

    /**
     * Stores packages delivered in the caller's transaction before they were stored: each one done
     * at its first attempt, every one of its recipients reached. One statement for all; their ids,
     * in the order given.
     */
    List<Long> insertDoneAll(List<DeliveredPackage> done);

    /** A package to store done. */
    record DeliveredPackage(UUID messageId, String channel, Lane lane, int seq, List<String> recipients) {}

    /**
     * What claimed packages carry and the status of their messages, in one query, by package id;
     * packages that do not exist are absent.
     */
    Map<Long, Work> workAll(List<PackageQueue.ClaimedPackage> claimed);

    /**
     * Claims one pending, due package by id for a worker (a consumer handed its id by a broker):
     * dispatched, next attempt, under a lease; empty when it is not claimable.
     */
    Optional<PackageQueue.ClaimedPackage> claim(long packageId, Duration lease);

    /**
     * Claims pending packages by id for delivery in the caller's transaction (the planner
     * delivering what it just planned), as {@link #claim} does; those not claimable are left out.
     */
    List<PackageQueue.ClaimedPackage> claimAll(List<Long> packageIds, Duration lease);

    /**
     * A claimed package as its worker needs it; {@code lost} counts the earlier attempts whose lease
     * ran out (their worker died, was killed or hung while delivering it).
     */
    record Work(
            DeliveryPackage delivery,
            PackageState state,
            MessageStatus messageStatus,
            Instant firstAttemptAt,
            int lost) {}

    /** A package's success, as its worker reports it. */
    record Done(long packageId, int attempt, int delivered, int failed) {}

    /**
     * Records successes in one statement; returns the ids of the packages for which this was the
     * first (and only counting) transition to done.
     */
    Set<Long> doneAll(List<Done> done);

    /**
     * Renews a claimed package's lease from now, if that attempt still holds it (dispatched, same
     * attempt); false when its lease ran out and it was handed out again, or it was canceled.
     */
    boolean renewLease(long packageId, int attempt, Duration lease);

    boolean retryAt(long packageId, int attempt, Instant at, String reason);

    boolean deadLetter(long packageId, int attempt, String reason);

    boolean cancel(long packageId, int attempt);

    /** Cancels every pending package of the message; returns how many. */
    int cancelPending(UUID messageId);

    /**
     * Puts a dead letter back to pending with a fresh budget; its message, or empty if not dead.
     * Its attempt number keeps counting, so that a worker still holding an earlier attempt can
     * record nothing over the new one.
     */
    Optional<UUID> revive(long packageId);

    List<DeliveryPackageRecord> list(UUID messageId, @Nullable PackageState state, long afterId, int limit);

    List<DeliveryPackageRecord> deadLetters(long afterId, int limit);

    Map<PackageState, Long> countByState(UUID messageId);

    /** Package ids of the message on the channel that contain the recipient. */
    List<DeliveryPackageRecord> containing(UUID messageId, String recipientId);
}
