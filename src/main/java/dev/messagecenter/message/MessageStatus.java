package dev.messagecenter.message;

import java.util.Set;

/** Where a message is in its life. Transitions not listed in {@link #canBecome} are refused. */
public enum MessageStatus {
    DRAFT,
    SCHEDULED,
    SENDING,
    SENT,
    CANCELED,
    REVOKED,
    FAILED;

    public boolean canBecome(MessageStatus next) {
        return switch (this) {
            case DRAFT -> Set.of(SCHEDULED, CANCELED).contains(next);
            case SCHEDULED -> Set.of(SENDING, CANCELED, REVOKED).contains(next);
            case SENDING -> Set.of(SENT, FAILED, REVOKED).contains(next);
            case SENT, FAILED -> Set.of(REVOKED, SENDING).contains(next);
            case CANCELED, REVOKED -> false;
        };
    }

    /** Whether the message may still be edited: drafts, and scheduled messages not yet started. */
    public boolean editable() {
        return this == DRAFT || this == SCHEDULED;
    }
}
