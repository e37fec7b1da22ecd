package dev.messagecenter.stats;

import java.util.Map;
import java.util.UUID;

/**
 * The counters of a message recomputed from the source of truth (packages and read state), for
 * adapters that keep counters outside the database and must repair them. A recount costs one
 * set-based query over the message's packages and reads, so callers recount a message when it
 * finishes, not on every read.
 */
public interface CounterTruth {

    /**
     * What the counters should be, read in one database snapshot. A write's transaction is part of
     * the recount exactly when {@link #visible(long, String)} says its id is visible in
     * {@code snapshot}.
     */
    record Recount(Map<String, Long> counters, String snapshot) {}

    /** Recounts every counter of the message; names absent from the map are zero. */
    Recount recount(UUID messageId);

    /** Whether the message has finished sending (SENT, FAILED or REVOKED). */
    boolean finished(UUID messageId);

    /**
     * The id of the caller's database transaction (assigning one if needed); call inside the
     * transaction whose changes the counters follow.
     */
    long currentTransaction();

    /**
     * Whether a committed transaction is included in a recount read in {@code snapshot}, in
     * PostgreSQL's {@code xmin:xmax:xip,...} format: below xmin it is, at or above xmax it is not,
     * in between it is unless it was still running.
     */
    static boolean visible(long transaction, String snapshot) {
        String[] parts = snapshot.split(":", 3);
        if (transaction < Long.parseLong(parts[0])) {
            return true;
        }
        if (transaction >= Long.parseLong(parts[1])) {
            return false;
        }
        for (String running : parts[2].split(",")) {
            if (!running.isEmpty() && Long.parseLong(running) == transaction) {
                return false;
            }
        }
        return true;
    }
}
