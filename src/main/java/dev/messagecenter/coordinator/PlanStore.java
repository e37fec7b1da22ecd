package dev.messagecenter.coordinator;

import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.recipient.SegmentCursor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator's view of a message: who plans it, how far planning got, and how many of its
 * packages are still open. Only the holder of a message's plan lease advances its planning, and
 * only from the cursor it read; package outcomes close packages under the message's row lock, so
 * the last one to close sees the true count and completes the message. All methods join the
 * caller's transaction.
 */
public interface PlanStore {

    /**
     * Takes the plan lease of the next due message of the lane, marking it SENDING. Lists of at
     * most {@code pageSize} recipients not yet begun are left to {@link #planSmallLists}: a planner
     * that finds them locked by another planner's batch must not take them one by one.
     */
    Optional<Claimed> claimDue(Lane lane, String owner, Duration lease, int pageSize);

    /**
     * @param started the claim moved the message from SCHEDULED to SENDING
     * @param segment the audience is a segment (stored once and shown to it when sending starts)
     */
    record Claimed(UUID messageId, boolean started, boolean segment) {}

    /**
     * Cancels the lane's due messages that have not started sending and whose validity ended
     * before they could (they waited behind a backlog, or the service was down): sent now, their
     * pushes would announce something no longer true, and no inbox would show them. Returns their
     * ids. Due messages past their validity are never claimed or planned.
     */
    List<UUID> cancelExpired(Lane lane);

    /**
     * Plans whole, in the caller's transaction, up to {@code limit} due messages of the lane whose
     * audience is a list of at most {@code pageSize} recipients and whose planning has not begun
     * elsewhere: one package per channel holding all its active recipients, targeted and open
     * counts set, planning ended (a list with no active recipient ends SENT). Messages locked by
     * another planner are skipped. Returns what was planned, in due order.
     */
    List<PlannedList> planSmallLists(Lane lane, int pageSize, int limit);

    /**
     * @param started planning moved the message from SCHEDULED to SENDING
     * @param packageIds the packages opened, by channel
     * @param status the status planning left it in: SENDING, or SENT when it opened no package
     */
    record PlannedList(
            UUID messageId, boolean started, long targeted, Map<String, Long> packageIds, MessageStatus status) {

        public int packages() {
            return packageIds.size();
        }
    }

    /**
     * How far planning got, if {@code owner} holds the message's plan lease and planning has not
     * ended. Takes no lock: a planning step reads its page and stores its packages first, and only
     * its {@link #advance} locks the message, checking that nothing moved since this read ({@link
     * #finishPlanning}: that the lease is still held), so the workers closing the message's packages
     * never wait for a page.
     */
    Optional<Progress> planningProgress(UUID messageId, String owner);

    record Progress(
            UUID messageId,
            Lane lane,
            MessageStatus status,
            @Nullable SegmentCursor cursor,
            int packagesTotal) {}

    /**
     * Records a planned page: the cursor reached, recipients targeted and packages opened; false,
     * with nothing recorded, when the step read at {@code from} no longer holds (the lease went to
     * another planner, the cursor moved, or the message is no longer SENDING): the caller rolls its
     * step back.
     */
    boolean advance(
            UUID messageId,
            String owner,
            @Nullable SegmentCursor from,
            SegmentCursor reached,
            long targeted,
            int packagesOpened,
            Duration lease);

    /**
     * Ends planning if {@code owner} still holds the lease; the status the message ended in when
     * nothing is open (SENT when it delivered something or had nothing to deliver, else FAILED),
     * SENDING while packages are open, empty when planning had ended or moved to another planner.
     */
    Optional<MessageStatus> finishPlanning(UUID messageId, String owner);

    /**
     * Closes packages, by message: the number of packages of each message that ended, done or
     * dead. Takes the messages' row locks in id order; returns the new status of each message this
     * completed: SENT when any of its packages is done or it is a broadcast on a channel that needs
     * no package (the inbox), else FAILED.
     */
    Map<UUID, MessageStatus> closePackages(Map<UUID, Integer> closed, boolean done);

    /** Reopens a package of a finished message (a dead letter retried). */
    void reopenPackage(UUID messageId);

    /** Active recipient ids of an uploaded or inline list after {@code afterId}, in id order. */
    List<String> listPage(UUID audienceId, String afterId, int limit);

    /**
     * Active recipient ids of each of several lists, in id order, in one statement: for lists
     * known to be small (a page at most). A list with no active recipient is left out.
     */
    Map<UUID, List<String>> smallLists(List<UUID> audienceIds);
}
