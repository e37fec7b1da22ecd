package dev.messagecenter.recipient;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A recipient in the directory. Inactive recipients receive nothing; their history is kept. */
public record Recipient(
        String id,
        String kind,
        String city,
        List<String> tags,
        @Nullable String locale,
        Channels channels,
        boolean active,
        Instant createdAt,
        Instant updatedAt) {}
