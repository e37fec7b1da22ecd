package dev.messagecenter.message;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends a new message in the transaction that creates it, when it can be sent there in full: then
 * the create's 2xx means it is delivered, not only stored. The coordinator decides which messages
 * qualify; the rest are stored {@code SCHEDULED} and planned as usual.
 */
public interface ImmediateSend {

    /**
     * Stores the message already sent, with its whole lifecycle from {@code CREATED} to {@code
     * SENT}, in the caller's transaction; empty, having stored nothing, when it must be scheduled.
     * A failure here stores nothing and answers empty.
     */
    Optional<Message> sendNow(UUID id, MessageDraft draft);

    /**
     * As {@link #sendNow} for several new messages at once, with one statement per step for all of
     * them: one answer per message, in order. A failure throws, and the caller's transaction must
     * then store none of them.
     */
    List<Optional<Message>> sendAllNow(List<NewMessage> messages);

    /** A message not yet stored. */
    record NewMessage(UUID id, MessageDraft draft) {}
}
