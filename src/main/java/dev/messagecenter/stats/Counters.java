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

    /** Every counter of the message by name; absent names are zero. */
    Map<String, Long> totals(UUID messageId);
}
