package dev.messagecenter.inbox;

import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recipient's inbox: the messages addressed to them, with their read and force-read state.
 *
 * <p><b>Visibility.</b> Recipient R sees message M when all of these hold:
 *
 * <ul>
 *   <li>M's status is {@code SENDING} or {@code SENT}, so a revoked or canceled message leaves every
 *       inbox the moment its status changes;
 *   <li>M's channels include {@code INBOX};
 *   <li>now is within [valid_from, valid_until), a missing bound being open;
 *   <li>and either M is a segment broadcast, R is active, and R matches the segment at read time
 *       (kinds empty or R's kind among them, cities empty or R's city among them, and every tag of
 *       the segment among R's tags); or M was delivered to R explicitly (an {@code inbox_entries}
 *       row, written by the delivery side for list audiences).
 * </ul>
 *
 * An unknown or inactive recipient sees an empty inbox, and every per-message operation on it
 * answers not found. A message R does not see is "not found" for R, never "forbidden", so nobody
 * learns that someone else's message exists.
 *
 * <p><b>Order.</b> Pinned messages R has not read come first, then everything else (read pinned
 * messages included), each part newest first by publication time (creation time when unpublished),
 * ties broken by message id descending. Each message appears at most once.
 *
 * <p><b>Counting.</b> Read and acknowledgement counters move only on the first transition, in
 * the transaction that makes it: calling any operation again, or concurrently, counts nothing
 * twice. All operations are safe from any number of threads and instances.
 */
public interface Inbox {

    int DEFAULT_PAGE_SIZE = 20;
    int MAX_PAGE_SIZE = 100;

    /**
     * The page of R's inbox after {@code after} (from the top when null), at most {@code limit}
     * items (clamped to 1..{@link #MAX_PAGE_SIZE}). A walk from the top returns every message that
     * stayed visible and kept its place exactly once; a pinned message read during the walk moves
     * to its place in time and may be returned again there.
     */
    Page page(String recipientId, @Nullable Cursor after, int limit);

    /** How many visible messages R has not read. */
    long unreadCount(String recipientId);

    /**
     * Marks M read for R. Idempotent: only the first call records the time and adds one to the
     * message's {@code read} counter.
     *
     * @throws ApiProblem not found when R does not see M
     */
    void markRead(String recipientId, UUID messageId);

    /**
     * Marks every message R sees and has not read as read, with one set-based statement; adds one
     * to the {@code read} counter of each message that became read.
     *
     * @return how many messages became read (0 when called again)
     */
    int readAll(String recipientId);

    /**
     * The force-read messages R sees and has not acknowledged, newest first, at most {@link
     * #MAX_PAGE_SIZE}: what the app must show before anything else.
     */
    List<InboxItem> forceReadPending(String recipientId);

    /**
     * Acknowledges a force-read message. The first call records the acknowledgement (and the read,
     * if M was unread) and adds one to the {@code acked} counter (and to {@code read} when it also
     * became read); later calls change nothing.
     *
     * @throws ApiProblem not found when R does not see M; conflict when M is not force-read
     */
    void ack(String recipientId, UUID messageId);

    /** A page of the inbox; {@code next} is null on the last page. */
    record Page(List<InboxItem> items, @Nullable Cursor next) {}

    /**
     * Position in an inbox walk: the part (pinned unread or the rest), publication time and id of
     * the last item returned. Opaque to API clients.
     */
    record Cursor(boolean pinnedUnread, Instant publishedAt, UUID messageId) {

        private static final String SEPARATOR = "|";

        public String encode() {
            String raw = (pinnedUnread ? "p" : "r") + SEPARATOR + publishedAt + SEPARATOR + messageId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** @throws ApiProblem naming the field {@code cursor} when it is not one this API returned */
        public static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] parts = raw.split("\\|", -1);
                if (parts.length != 3 || !(parts[0].equals("p") || parts[0].equals("r"))) {
                    throw new IllegalArgumentException();
                }
                Instant at = Instant.parse(parts[1]);
                if (!Storable.instant(at)) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(parts[0].equals("p"), at, UUID.fromString(parts[2]));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
            }
        }
    }
}
