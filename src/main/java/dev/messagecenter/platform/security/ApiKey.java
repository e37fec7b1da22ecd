package dev.messagecenter.platform.security;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An API key as stored: never the key itself, which is shown once when it is created. */
public record ApiKey(
        UUID id,
        String name,
        Set<Scope> scopes,
        Instant createdAt,
        @Nullable Instant revokedAt) {}
