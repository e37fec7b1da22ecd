package dev.messagecenter.stats;

import java.util.Map;
import java.util.UUID;

/**
 * Per-message counters. Callers add only on a first transition (a package completing once, a
 * recipient reading once), inside the transaction that makes the transition, so the totals are
 * exact whatever is redelivered. Safe under any concurrency.
 */
public interface Counters {

    String DELIVERED_PREFIX = "delivered.";
    String FAILED = "failed";
    String READ = "read";
    String ACKED = "acked";

    void add(UUID messageId, String name, long delta);

    /**
     * Adds to a message that the current transaction itself creates in a finished status
     * ({@code SENT}): nobody can have read its counters before, and every later addition comes
     * from a later transaction. An adapter that recounts a finished message from the database at
     * its first read ({@link CounterTruth}) may therefore skip these; the others add them.
     */
    default void addToCreatedFinished(UUID messageId, String name, long delta) {
        add(messageId, name, delta);
    }

    /** Every counter of the message by name; absent names are zero. */
    Map<String, Long> totals(UUID messageId);
}
