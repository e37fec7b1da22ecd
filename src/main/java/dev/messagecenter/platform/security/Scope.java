package dev.messagecenter.platform.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Set;

/**
 * What an API key may do. {@code admin} manages keys and the recipient directory and implies the
 * other scopes; {@code send} composes and sends messages; {@code read} reads them.
 */
public enum Scope {
    ADMIN,
    SEND,
    READ;

    @JsonValue
    public String authority() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Set<Scope> implied() {
        return this == ADMIN ? Set.of(ADMIN, SEND, READ) : Set.of(this);
    }

    @JsonCreator
    public static Scope parse(String value) {
        return Scope.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
