package dev.messagecenter.coordinator;

import java.util.Locale;

/** The package state machine: pending → dispatched → done | pending (retry) | failed; or canceled. */
public enum PackageState {
    PENDING,
    DISPATCHED,
    DONE,
    FAILED,
    CANCELED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PackageState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
