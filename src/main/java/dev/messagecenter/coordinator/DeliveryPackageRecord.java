package dev.messagecenter.coordinator;

import dev.messagecenter.message.Lane;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A package as stored, for the API and the dead-letter view. */
public record DeliveryPackageRecord(
        long id,
        UUID messageId,
        String channel,
        Lane lane,
        int seq,
        int size,
        PackageState state,
        int attempts,
        int delivered,
        int failed,
        @Nullable String lastError,
        Instant nextAttemptAt,
        @Nullable Instant firstAttemptAt,
        Instant createdAt,
        Instant updatedAt) {}
