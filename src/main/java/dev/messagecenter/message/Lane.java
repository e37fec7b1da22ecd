package dev.messagecenter.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Delivery lanes with their own queues and workers, so that bulk work never delays direct work. */
public enum Lane {
    BULK,
    DIRECT;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Lane of(String value) {
        return Lane.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
