package dev.messagecenter.inbox;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One message as a recipient sees it in their inbox.
 *
 * @param publishedAt when the message went out (its creation time if it has no publication time);
 *     the inbox is ordered by it
 * @param validUntil when the message leaves the inbox, or null when it stays
 * @param readAt when this recipient first read it, or null while unread
 * @param ackedAt when this recipient acknowledged it (force-read messages only), or null
 */
public record InboxItem(
        UUID messageId,
        String title,
        String body,
        String category,
        boolean pinned,
        boolean forceRead,
        Instant publishedAt,
        @Nullable Instant validUntil,
        @Nullable Instant readAt,
        @Nullable Instant ackedAt) {}
