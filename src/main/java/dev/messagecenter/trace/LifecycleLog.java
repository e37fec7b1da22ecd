package dev.messagecenter.trace;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The append-only log of what happened to a message and its packages. {@link #record} joins the
 * caller's transaction, so an event is written exactly when the transition it describes is.
 */
public interface LifecycleLog {

    void record(UUID messageId, @Nullable Long packageId, String type, @Nullable String detail);

    /** Records several events in one statement, in list order. */
    void recordAll(List<Entry> entries);

    /** An event to record. */
    record Entry(
            UUID messageId,
            @Nullable Long packageId,
            String type,
            @Nullable String detail) {}

    /** Events of the message in order, after the event id {@code after} (0 for the start). */
    List<LifecycleEvent> events(UUID messageId, long after, int limit);
}
