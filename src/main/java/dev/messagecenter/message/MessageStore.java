package dev.messagecenter.message;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Messages as stored. Every method joins the caller's transaction. */
public interface MessageStore {

    Message insert(UUID id, MessageDraft draft, MessageStatus status);

    /**
     * Stores messages to explicit lists that are delivered in the creating transaction: each one
     * {@code SENT}, planned, with its {@code targeted} recipients and {@code packages} packages, all
     * of them done. One statement for all; the messages in the order given.
     */
    List<Message> insertSentAll(List<Sent> sent);

    /** A message to an explicit list, delivered as it is stored. */
    record Sent(UUID id, MessageDraft draft, long targeted, int packages) {}

    Optional<Message> find(UUID id);

    /** Reads the message and locks its row until the transaction ends. */
    Optional<Message> lock(UUID id);

    void replace(UUID id, MessageDraft draft);

    /** Moves the message from one status to another; false when it was not in {@code from}. */
    boolean transition(UUID id, MessageStatus from, MessageStatus to);

    List<Message> search(MessageQuery query);
}
