package dev.messagecenter.message;

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
     */
    Optional<Message> sendNow(UUID id, MessageDraft draft);
}
