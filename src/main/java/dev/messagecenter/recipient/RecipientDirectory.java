package dev.messagecenter.recipient;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The recipient directory. Upserts are idempotent: storing the same draft twice leaves one
 * recipient, and storing a recipient reactivates it. Safe to call from any number of threads and
 * instances.
 */
public interface RecipientDirectory {

    /** The largest page {@link #page} returns. */
    int MAX_PAGE_SIZE = 500;

    /** Stores one recipient; true when it was new. */
    boolean upsert(RecipientDraft draft);

    /**
     * Stores a batch with set-based SQL in one transaction. Later entries for the same id win. The
     * batch is the caller's unit of memory: keep it to a few thousand rows.
     */
    UpsertCounts upsertAll(List<RecipientDraft> batch);

    Optional<Recipient> find(String id);

    /** Stops the recipient receiving; keeps it and its history. True when it was active. */
    boolean deactivate(String id);

    /**
     * The next page of active recipients matching the segment, ordered by (city, id), starting
     * after {@code after} (or at the start when null). Each page costs the same wherever it starts,
     * and a walk returns every recipient that stayed active, matching and in the same city exactly
     * once. One that moves between two cities of the segment during the walk is returned twice or
     * not at all (the walk holds no snapshot of the directory); see the README's "Plan".
     */
    RecipientPage page(Segment segment, @Nullable SegmentCursor after, int limit);

    /**
     * The same walk as {@link #page}, returning only ids: it is answered from the segment index
     * alone, without reading recipient rows, which is what planning a broadcast needs.
     */
    IdPage pageIds(Segment segment, @Nullable SegmentCursor after, int limit);

    /** Ids of one page of a segment walk and where the page ended; {@code next} is null on the last page. */
    record IdPage(
            List<String> ids,
            @Nullable SegmentCursor last,
            @Nullable SegmentCursor next) {}
}
