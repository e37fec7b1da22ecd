package dev.messagecenter.trace;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One transition of a message or one of its packages. */
public record LifecycleEvent(
        long id,
        UUID messageId,
        @Nullable Long packageId,
        String type,
        @Nullable String detail,
        Instant at) {}
