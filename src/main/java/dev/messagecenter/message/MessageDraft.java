package dev.messagecenter.message;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A validated message to store: what the compose and edit paths hand to the store. */
public record MessageDraft(
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
        Lane lane) {

    public MessageDraft withSendAt(Instant at) {
        return new MessageDraft(
                title, body, category, audience, channels, pinned, forceRead, validFrom, validUntil, at, lane);
    }
}
