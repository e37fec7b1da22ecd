package dev.messagecenter.inbox;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Caches of the inbox's hot read paths, in front of PostgreSQL: per recipient kind and city, the
 * live segment broadcasts such a recipient may see; per recipient, the unread count. Whatever it
 * holds is tagged with the cache's generation, which moves on every change that reaches everyone
 * ({@link InboxChanged#everyone()}), so an entry from before such a change is never believed; a
 * change to one recipient moves that recipient's own version and drops their entries. The cache may forget anything at any
 * time, and answers "unknown" rather than something older than the last committed change.
 */
public interface InboxCache {

    /**
     * One live segment broadcast and the tags it requires. Its validity window is not kept here:
     * the inbox query checks it (and the status) on every read, so a cached list may hold a
     * broadcast that has not started, expired or was revoked a moment ago, but never shows it.
     */
    record LiveBroadcast(UUID id, Set<String> tags) {

        /** Whether a recipient with these tags sees it (kind and city already match). */
        public boolean visibleTo(Set<String> recipientTags) {
            return recipientTags.containsAll(tags);
        }
    }

    /**
     * A lookup's answer: the value, null when unknown, and a stamp of the cache's state at the
     * lookup, to hand back with a value computed after a miss (opaque; empty when nothing computed
     * now may be stored).
     */
    record Lookup<T>(String stamp, @Nullable T value) {}

    Lookup<List<LiveBroadcast>> broadcasts(String kind, String city);

    /** Stores broadcasts loaded after a lookup missed; ignored when anything changed since its stamp. */
    void storeBroadcasts(String stamp, String kind, String city, List<LiveBroadcast> broadcasts);

    Lookup<Long> unread(String recipientId);

    /**
     * Stores a count computed after a lookup missed, good until {@code changesAt} (null: until
     * the next change); ignored when the recipient or everyone's inbox changed since its stamp.
     */
    void storeUnread(String stamp, String recipientId, long unread, @Nullable Instant changesAt);
}
