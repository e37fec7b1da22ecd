package dev.messagecenter.message;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A search over messages; every filter is optional. Results are newest first, after the cursor. */
public record MessageQuery(
        @Nullable String text,
        @Nullable MessageStatus status,
        @Nullable String city,
        @Nullable String kind,
        @Nullable String category,
        @Nullable Instant from,
        @Nullable Instant to,
        @Nullable Instant afterCreatedAt,
        @Nullable UUID afterId,
        int limit) {}
