package dev.messagecenter.message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The body of a compose or edit call, as sent; {@link MessageRules} turns it into a draft. */
public record MessageRequest(
        @Nullable String title,
        @Nullable String body,
        @Nullable String category,
        @Nullable AudienceRequest audience,
        @Nullable List<String> channels,
        @Nullable Boolean pinned,
        @Nullable Boolean forceRead,
        @Nullable Instant validFrom,
        @Nullable Instant validUntil,
        @Nullable Instant sendAt,
        @Nullable Boolean draft,
        @Nullable Lane lane) {

    /** Either {@code recipients}, or {@code audienceId}, or a segment of kinds, cities and tags. */
    public record AudienceRequest(
            @Nullable List<String> recipients,
            @Nullable UUID audienceId,
            @Nullable List<String> kinds,
            @Nullable List<String> cities,
            @Nullable List<String> tags) {}
}
