package dev.messagecenter.message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A message as stored, with where its delivery stands. */
public record Message(
        UUID id,
        String title,
        String body,
        String category,
        Audience audience,
        List<String> channels,
        boolean pinned,
        boolean forceRead,
        @Nullable Instant validFrom,
        @Nullable Instant validUntil,
        @Nullable Instant sendAt,
        Lane lane,
        MessageStatus status,
        long targeted,
        boolean planned,
        int packagesTotal,
        int packagesOpen,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant publishedAt,
        @Nullable Instant finishedAt) {

    /** What was composed, without the delivery state. */
    public MessageDraft draft() {
        return new MessageDraft(
                title, body, category, audience, channels, pinned, forceRead, validFrom, validUntil, sendAt, lane);
    }
}
