package dev.messagecenter.inbox.jdbc;

import dev.messagecenter.inbox.Inbox;
import dev.messagecenter.inbox.InboxCache;
import dev.messagecenter.inbox.InboxChanged;
import dev.messagecenter.inbox.InboxItem;
import dev.messagecenter.platform.db.PositionalStatement;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.stats.Counters;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox in PostgreSQL, merged at read time from three sources, each found by an index:
 * broadcasts to the recipient's city (GIN index on {@code segment_cities}), broadcasts to every
 * city (partial index), and the recipient's explicit entries (primary key prefix). Per-recipient
 * rows of other recipients are never read, and a broadcast costs the same whatever its audience
 * size. Read state comes from the recipient's own {@code inbox_reads} rows.
 *
 * <p>With an {@link InboxCache} (distributed mode), a page takes the ids of the live broadcasts
 * the recipient matches from the cache instead of the segment indexes, and the unread count is
 * answered by the cache until the recipient's inbox changes. Reads, read-alls and acks publish
 * {@link InboxChanged} for the recipient in their transaction.
 */
@Repository
class JdbcInbox implements Inbox {

    /** The message is live in inboxes: sent, on the inbox channel, not expired (start checked apart). */
    private static final String LIVE_UNTIL = """
            m.status in ('SENDING', 'SENT') and 'INBOX' = any(m.channels)
            and (m.valid_until is null or m.valid_until > now())""";

    private static final String STARTED = "(m.valid_from is null or m.valid_from <= now())";

    /** The message is live in inboxes now: sent, on the inbox channel, within its validity window. */
    private static final String LIVE = LIVE_UNTIL + " and " + STARTED;

    /** The recipient {@code me} matches the message's segment (cities are matched by the caller). */
    private static final String MATCHES_KIND_AND_TAGS =
            "(m.segment_kinds = '{}' or me.kind = any(m.segment_kinds)) and m.segment_tags <@ me.tags";

    private static final String MATCHES_SEGMENT = "m.audience_type = 'segment'"
            + " and (m.segment_cities = '{}' or me.city = any(m.segment_cities)) and " + MATCHES_KIND_AND_TAGS;

    private static final String ITEM_COLUMNS = """
            m.id, m.title, m.body, m.category, m.pinned, m.force_read,
            coalesce(m.published_at, m.created_at) as published_at, m.valid_from, m.valid_until""";

    /**
     * The broadcasts the recipient sees, found by the GIN index on {@code segment_cities}: those to
     * the recipient's city and those to every city.
     */
    private static final String BROADCASTS_BY_SEGMENT = """
            select %1$s
            from me join messages m on m.segment_cities @> array[me.city]
            where m.audience_type = 'segment' and m.status in ('SENDING', 'SENT')
              and %2$s and %3$s
            union all
            select %1$s
            from me join messages m on m.segment_cities = '{}'
            where m.audience_type = 'segment' and m.status in ('SENDING', 'SENT')
              and %2$s and %3$s
            """;

    /**
     * The broadcasts the recipient sees, by the ids the inbox cache gave; re-checked here, so that
     * an id the cache still holds for a broadcast revoked a moment ago shows nothing.
     */
    private static final String BROADCASTS_BY_ID = """
            select %1$s
            from me join messages m on m.id = any(:broadcasts)
            where %4$s and %3$s
            """;

    /**
     * Common table {@code inbox}: every message the recipient sees, once, with its read state. The
     * branches are disjoint (the entries branch skips broadcasts the recipient matches), so {@code
     * union all} needs no de-duplication pass. The city is re-collated because {@code
     * recipients.city} is {@code collate "C"} while the GIN index on {@code segment_cities} has the
     * default collation: compared as "C", the planner cannot use the index and scans all messages.
     */
    private static final String INBOX_TEMPLATE = """
            with me as (
                select id, kind, city collate "default" as city, tags
                from recipients where id = :recipient and active
            ), visible as (
                %5$s
                union all
                select %1$s
                from me join inbox_entries e on e.recipient_id = me.id join messages m on m.id = e.message_id
                where %3$s and not (%4$s)
            ), inbox as (
                select v.*, r.read_at, r.acked_at, (v.pinned and r.read_at is null) as pinned_unread
                from visible v
                left join inbox_reads r on r.recipient_id = :recipient and r.message_id = v.id
            )
            """;

    private static final String INBOX = inbox(BROADCASTS_BY_SEGMENT, LIVE);

    private static final String INBOX_BY_ID = inbox(BROADCASTS_BY_ID, LIVE);

    /** {@link #INBOX} with messages whose validity has not started yet, to tell when it changes. */
    private static final String INBOX_AND_UPCOMING = inbox(BROADCASTS_BY_SEGMENT, LIVE_UNTIL);

    private static String inbox(String broadcasts, String live) {
        String visibleBroadcasts = broadcasts.formatted(ITEM_COLUMNS, MATCHES_KIND_AND_TAGS, live, MATCHES_SEGMENT);
        return INBOX_TEMPLATE.formatted(ITEM_COLUMNS, MATCHES_KIND_AND_TAGS, live, MATCHES_SEGMENT, visibleBroadcasts);
    }

    /** Live broadcasts a recipient of a kind and city may see, whatever their tags and window start. */
    private static final String LIVE_BROADCASTS = """
            select m.id, m.segment_tags from messages m
            where m.audience_type = 'segment' and m.status in ('SENDING', 'SENT')
              and (m.segment_cities = '{}' or m.segment_cities @> array[cast(:city as text)])
              and (m.segment_kinds = '{}' or cast(:kind as text) = any(m.segment_kinds))
              and %s
            """.formatted(LIVE_UNTIL);

    /** One message, if the recipient sees it: the same rule as {@link #INBOX}, by primary keys. */
    private static final String VISIBLE_FORCE_READ = """
            select m.force_read
            from recipients me join messages m on m.id = :message
            where me.id = :recipient and me.active and %s
              and ((%s) or exists (
                  select 1 from inbox_entries e where e.recipient_id = me.id and e.message_id = m.id))
            """.formatted(LIVE, MATCHES_SEGMENT);

    private static final String ORDER = " order by pinned_unread desc, published_at desc, id desc limit :limit";

    private static final String AFTER_CURSOR = """
            where (pinned_unread = :afterPinned and (published_at, id) < (:afterAt, :afterId))
               or (:afterPinned and not pinned_unread)
            """;

    // why: whole statements, built and made positional once rather than rewritten on every call
    // (each is several kilobytes, and inbox reads are the most frequent calls)
    private static final PositionalStatement FIRST_PAGE =
            new PositionalStatement(INBOX + "select * from inbox" + ORDER);
    private static final PositionalStatement NEXT_PAGE =
            new PositionalStatement(INBOX + "select * from inbox " + AFTER_CURSOR + ORDER);
    private static final PositionalStatement FIRST_PAGE_BY_ID =
            new PositionalStatement(INBOX_BY_ID + "select * from inbox" + ORDER);
    private static final PositionalStatement NEXT_PAGE_BY_ID =
            new PositionalStatement(INBOX_BY_ID + "select * from inbox " + AFTER_CURSOR + ORDER);

    private static final String UNREAD_COUNT = INBOX + "select count(*) from inbox where read_at is null";

    private static final String UNREAD_COUNT_AND_NEXT_CHANGE = INBOX_AND_UPCOMING + """
            select count(*) filter (where read_at is null and (valid_from is null or valid_from <= now()))
                       as unread,
                   least(min(valid_from) filter (where valid_from > now()), min(valid_until))
                       as changes_at
            from inbox
            """;

    private static final String READ_ALL = INBOX + """
            insert into inbox_reads (recipient_id, message_id, read_at)
            select :recipient, id, now() from inbox where read_at is null order by id
            on conflict (recipient_id, message_id) do update set read_at = now()
            where inbox_reads.read_at is null
            returning message_id
            """;

    private static final String FORCE_READ_PENDING = INBOX + """
            select * from inbox where force_read and acked_at is null
            order by published_at desc, id desc limit :limit
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Counters counters;
    private final ApplicationEventPublisher events;
    private final Optional<InboxCache> cache;

    JdbcInbox(
            JdbcClient jdbc,
            TransactionTemplate transaction,
            Counters counters,
            ApplicationEventPublisher events,
            Optional<InboxCache> cache) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.counters = counters;
        this.events = events;
        this.cache = cache;
    }

    @Override
    public Page page(String recipientId, @Nullable Cursor after, int limit) {
        int size = Math.clamp(limit, 1, MAX_PAGE_SIZE);
        UUID[] broadcasts = null;
        if (cache.isPresent()) {
            Optional<List<UUID>> visible = visibleBroadcasts(recipientId, cache.get());
            if (visible.isEmpty()) {
                return new Page(List.of(), null);
            }
            broadcasts = visible.get().toArray(UUID[]::new);
        }
        Map<String, Object> values = new HashMap<>();
        values.put("recipient", recipientId);
        // why: one row more than the page tells whether there is a next page without another query
        values.put("limit", size + 1);
        PositionalStatement statement;
        if (after == null) {
            statement = broadcasts == null ? FIRST_PAGE : FIRST_PAGE_BY_ID;
        } else {
            statement = broadcasts == null ? NEXT_PAGE : NEXT_PAGE_BY_ID;
            values.put("afterPinned", after.pinnedUnread());
            values.put("afterAt", Timestamp.from(after.publishedAt()));
            values.put("afterId", after.messageId());
        }
        if (broadcasts != null) {
            values.put("broadcasts", broadcasts);
        }
        List<Row> rows = statement.bind(jdbc, values).query(JdbcInbox::row).list();
        if (rows.size() <= size) {
            return new Page(rows.stream().map(Row::item).toList(), null);
        }
        List<Row> page = rows.subList(0, size);
        Row last = page.getLast();
        return new Page(
                page.stream().map(Row::item).toList(),
                new Cursor(
                        last.pinnedUnread(),
                        last.item().publishedAt(),
                        last.item().messageId()));
    }

    /**
     * The ids of the live broadcasts the recipient's kind, city and tags match, from the cache
     * (loaded into it on a miss); empty when the recipient is unknown or inactive.
     */
    private Optional<List<UUID>> visibleBroadcasts(String recipientId, InboxCache cache) {
        Optional<Profile> profile = jdbc.sql("select kind, city, tags from recipients where id = :id and active")
                .param("id", recipientId)
                .query((rs, row) -> new Profile(rs.getString("kind"), rs.getString("city"), tags(rs.getArray("tags"))))
                .optional();
        return profile.map(me -> {
            InboxCache.Lookup<List<InboxCache.LiveBroadcast>> lookup = cache.broadcasts(me.kind(), me.city());
            List<InboxCache.LiveBroadcast> live = lookup.value();
            if (live == null) {
                live = jdbc.sql(LIVE_BROADCASTS)
                        .param("kind", me.kind())
                        .param("city", me.city())
                        .query((rs, row) -> new InboxCache.LiveBroadcast(
                                rs.getObject("id", UUID.class), tags(rs.getArray("segment_tags"))))
                        .list();
                cache.storeBroadcasts(lookup.stamp(), me.kind(), me.city(), live);
            }
            return live.stream()
                    .filter(broadcast -> broadcast.visibleTo(me.tags()))
                    .map(InboxCache.LiveBroadcast::id)
                    .toList();
        });
    }

    private record Profile(String kind, String city, Set<String> tags) {}

    private static Set<String> tags(java.sql.@Nullable Array array) throws SQLException {
        return array == null ? Set.of() : Set.of((String[]) array.getArray());
    }

    @Override
    public long unreadCount(String recipientId) {
        if (cache.isEmpty()) {
            return jdbc.sql(UNREAD_COUNT)
                    .param("recipient", recipientId)
                    .query(Long.class)
                    .single();
        }
        InboxCache.Lookup<Long> lookup = cache.get().unread(recipientId);
        Long cached = lookup.value();
        if (cached != null) {
            return cached;
        }
        // why: the count also changes by the clock alone, when a message's window starts or ends;
        // the cache keeps it only until the first such moment
        Unread unread = jdbc.sql(UNREAD_COUNT_AND_NEXT_CHANGE)
                .param("recipient", recipientId)
                .query((rs, row) -> new Unread(rs.getLong("unread"), instant(rs.getTimestamp("changes_at"))))
                .single();
        cache.get().storeUnread(lookup.stamp(), recipientId, unread.count(), unread.changesAt());
        return unread.count();
    }

    private record Unread(long count, @Nullable Instant changesAt) {}

    @Override
    public void markRead(String recipientId, UUID messageId) {
        transaction.executeWithoutResult(status -> {
            requireVisible(recipientId, messageId);
            int changed = jdbc.sql("""
                            insert into inbox_reads (recipient_id, message_id, read_at) values (:recipient, :message, now())
                            on conflict (recipient_id, message_id) do update set read_at = now()
                            where inbox_reads.read_at is null
                            """)
                    .param("recipient", recipientId)
                    .param("message", messageId)
                    .update();
            if (changed > 0) {
                counters.add(messageId, Counters.READ, 1);
                events.publishEvent(InboxChanged.forRecipients(List.of(recipientId)));
            }
        });
    }

    @Override
    public int readAll(String recipientId) {
        Integer marked = transaction.execute(status -> {
            // why: ordered by id so that two read-alls of one recipient lock its rows in the same
            // order and wait for each other instead of deadlocking
            List<UUID> newlyRead = jdbc.sql(READ_ALL)
                    .param("recipient", recipientId)
                    .query(UUID.class)
                    .list();
            // why: the upsert returns only the rows it changed, so a message read concurrently is
            // counted by whichever statement won its row, never by both (the counters adapter
            // writes a transaction's counter rows in one order, whatever order they are added in)
            newlyRead.forEach(message -> counters.add(message, Counters.READ, 1));
            if (!newlyRead.isEmpty()) {
                events.publishEvent(InboxChanged.forRecipients(List.of(recipientId)));
            }
            return newlyRead.size();
        });
        return marked == null ? 0 : marked;
    }

    @Override
    public List<InboxItem> forceReadPending(String recipientId) {
        return jdbc
                .sql(FORCE_READ_PENDING)
                .param("recipient", recipientId)
                .param("limit", MAX_PAGE_SIZE)
                .query(JdbcInbox::row)
                .list()
                .stream()
                .map(Row::item)
                .toList();
    }

    @Override
    public void ack(String recipientId, UUID messageId) {
        transaction.executeWithoutResult(status -> {
            if (!requireVisible(recipientId, messageId)) {
                throw new ApiProblem(ProblemType.CONFLICT, "Message " + messageId + " is not force-read");
            }
            jdbc.sql("""
                            insert into inbox_reads (recipient_id, message_id) values (:recipient, :message)
                            on conflict (recipient_id, message_id) do nothing
                            """)
                    .param("recipient", recipientId)
                    .param("message", messageId)
                    .update();
            // why: the row lock orders this ack after any concurrent read or ack of the same
            // message, so "was it unread, was it unacked" is decided on the latest state
            Optional<Boolean> wasRead = jdbc.sql("""
                            select read_at is not null from inbox_reads
                            where recipient_id = :recipient and message_id = :message and acked_at is null
                            for update
                            """)
                    .param("recipient", recipientId)
                    .param("message", messageId)
                    .query(Boolean.class)
                    .optional();
            if (wasRead.isEmpty()) {
                return;
            }
            jdbc.sql("""
                            update inbox_reads set acked_at = now(), read_at = coalesce(read_at, now())
                            where recipient_id = :recipient and message_id = :message
                            """)
                    .param("recipient", recipientId)
                    .param("message", messageId)
                    .update();
            counters.add(messageId, Counters.ACKED, 1);
            if (!wasRead.get()) {
                counters.add(messageId, Counters.READ, 1);
            }
            events.publishEvent(InboxChanged.forRecipients(List.of(recipientId)));
        });
    }

    /** Whether the message is force-read; not found when the recipient does not see it. */
    private boolean requireVisible(String recipientId, UUID messageId) {
        return jdbc.sql(VISIBLE_FORCE_READ)
                .param("recipient", recipientId)
                .param("message", messageId)
                .query(Boolean.class)
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("Message " + messageId));
    }

    private record Row(InboxItem item, boolean pinnedUnread) {}

    private static Row row(ResultSet rs, int row) throws SQLException {
        return new Row(
                new InboxItem(
                        rs.getObject("id", UUID.class),
                        rs.getString("title"),
                        rs.getString("body"),
                        rs.getString("category"),
                        rs.getBoolean("pinned"),
                        rs.getBoolean("force_read"),
                        rs.getTimestamp("published_at").toInstant(),
                        instant(rs.getTimestamp("valid_until")),
                        instant(rs.getTimestamp("read_at")),
                        instant(rs.getTimestamp("acked_at"))),
                rs.getBoolean("pinned_unread"));
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
