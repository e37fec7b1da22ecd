package dev.messagecenter.message.jdbc;

import dev.messagecenter.message.Audience;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageDraft;
import dev.messagecenter.message.MessageQuery;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.recipient.Segment;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGStatement;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcMessageStore implements MessageStore {

    // why: qualified, because a search by city joins message_cities, which has a created_at and a status too
    static final String COLUMNS = """
            messages.id, messages.title, messages.body, messages.category, messages.audience_type,
            messages.segment_kinds, messages.segment_cities, messages.segment_tags, messages.audience_id,
            (select size from audiences a where a.id = messages.audience_id) as audience_size, messages.channels,
            messages.pinned, messages.force_read, messages.valid_from, messages.valid_until, messages.send_at,
            messages.lane, messages.status, messages.targeted, messages.planned, messages.packages_total,
            messages.packages_open, messages.created_at, messages.updated_at, messages.published_at,
            messages.finished_at
            """;

    private static final Pattern PLAIN_WORDS = Pattern.compile("[\\p{L}\\p{N}\\s]++");

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    JdbcMessageStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    @Override
    public Message insert(UUID id, MessageDraft draft, MessageStatus status) {
        return insertOne(id, draft, status);
    }

    @Override
    public List<Message> insertSentAll(List<Sent> sent) {
        int n = sent.size();
        UUID[] ids = new UUID[n];
        String[] titles = new String[n];
        String[] bodies = new String[n];
        String[] categories = new String[n];
        UUID[] audiences = new UUID[n];
        String[] channels = new String[n];
        Boolean[] pinned = new Boolean[n];
        Boolean[] forceRead = new Boolean[n];
        String[] validFrom = new String[n];
        String[] validUntil = new String[n];
        String[] sendAt = new String[n];
        String[] lanes = new String[n];
        Long[] targeted = new Long[n];
        Integer[] packages = new Integer[n];
        for (int i = 0; i < n; i++) {
            Sent s = sent.get(i);
            MessageDraft draft = s.draft();
            if (!(draft.audience() instanceof Audience.ListAudience(UUID audienceId, long size))) {
                throw new IllegalArgumentException("only messages to explicit lists are stored sent together");
            }
            ids[i] = s.id();
            titles[i] = draft.title();
            bodies[i] = draft.body();
            categories[i] = draft.category();
            audiences[i] = audienceId;
            channels[i] = String.join(",", draft.channels());
            pinned[i] = draft.pinned();
            forceRead[i] = draft.forceRead();
            validFrom[i] = text(draft.validFrom());
            validUntil[i] = text(draft.validUntil());
            sendAt[i] = text(draft.sendAt());
            lanes[i] = draft.lane().id();
            targeted[i] = s.targeted();
            packages[i] = s.packages();
        }
        // why: one statement for a whole group of creates; channel names hold no comma
        List<Message> stored = jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, audience_id, channels, pinned,
                            force_read, valid_from, valid_until, send_at, lane, status, planned, targeted,
                            packages_total, published_at, finished_at)
                        select x.id, x.title, x.body, x.category, 'list', x.audience, string_to_array(x.channels, ','),
                            x.pinned, x.force_read, cast(x.valid_from as timestamptz),
                            cast(x.valid_until as timestamptz), cast(x.send_at as timestamptz), x.lane, 'SENT', true,
                            x.targeted, x.packages, now(), now()
                        from unnest(:ids, :titles, :bodies, :categories, :audiences, :channels, :pinned, :forceRead,
                                    :validFrom, :validUntil, :sendAt, :lanes, :targeted, :packages)
                            with ordinality as x(id, title, body, category, audience, channels, pinned, force_read,
                                                 valid_from, valid_until, send_at, lane, targeted, packages, n)
                        order by x.n
                        """ + " returning " + COLUMNS)
                .param("ids", ids)
                .param("titles", titles)
                .param("bodies", bodies)
                .param("categories", categories)
                .param("audiences", audiences)
                .param("channels", channels)
                .param("pinned", pinned)
                .param("forceRead", forceRead)
                .param("validFrom", validFrom)
                .param("validUntil", validUntil)
                .param("sendAt", sendAt)
                .param("lanes", lanes)
                .param("targeted", targeted)
                .param("packages", packages)
                .query(JdbcMessageStore::map)
                .list();
        Map<UUID, Message> byId = new HashMap<>();
        stored.forEach(message -> byId.put(message.id(), message));
        return Arrays.stream(ids).map(byId::get).map(Objects::requireNonNull).toList();
    }

    private Message insertOne(UUID id, MessageDraft draft, MessageStatus status) {
        return bind(jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, segment_kinds, segment_cities,
                            segment_tags, audience_id, channels, pinned, force_read, valid_from, valid_until, send_at,
                            lane, status)
                        values (:id, :title, :body, :category, :audienceType, :kinds, :cities, :tags, :audienceId,
                            :channels, :pinned, :forceRead, :validFrom, :validUntil, :sendAt, :lane, :status)
                        """ + " returning " + COLUMNS), draft)
                .param("id", id)
                .param("status", status.name())
                .query(JdbcMessageStore::map)
                .single();
    }

    @Override
    public void replace(UUID id, MessageDraft draft) {
        bind(jdbc.sql("""
                        update messages set title = :title, body = :body, category = :category,
                            audience_type = :audienceType, segment_kinds = :kinds, segment_cities = :cities,
                            segment_tags = :tags, audience_id = :audienceId, channels = :channels, pinned = :pinned,
                            force_read = :forceRead, valid_from = :validFrom, valid_until = :validUntil,
                            send_at = :sendAt, lane = :lane, updated_at = now()
                        where id = :id
                        """), draft).param("id", id).update();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, MessageDraft draft) {
        Segment segment = draft.audience() instanceof Audience.SegmentAudience(Segment s) ? s : null;
        UUID audienceId = draft.audience() instanceof Audience.ListAudience(UUID listId, long size) ? listId : null;
        return statement
                .param("title", draft.title())
                .param("body", draft.body())
                .param("category", draft.category())
                .param("audienceType", segment != null ? "segment" : "list")
                .param("kinds", array(segment == null ? List.of() : List.copyOf(segment.kinds())))
                .param("cities", array(segment == null ? List.of() : List.copyOf(segment.cities())))
                .param("tags", array(segment == null ? List.of() : List.copyOf(segment.tags())))
                .param("audienceId", audienceId)
                .param("channels", array(draft.channels()))
                .param("pinned", draft.pinned())
                .param("forceRead", draft.forceRead())
                .param("validFrom", timestamp(draft.validFrom()))
                .param("validUntil", timestamp(draft.validUntil()))
                .param("sendAt", timestamp(draft.sendAt()))
                .param("lane", draft.lane().id());
    }

    @Override
    public Optional<Message> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from messages where id = :id")
                .param("id", id)
                .query(JdbcMessageStore::map)
                .optional();
    }

    @Override
    public Optional<Message> lock(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from messages where id = :id for update")
                .param("id", id)
                .query(JdbcMessageStore::map)
                .optional();
    }

    @Override
    public boolean transition(UUID id, MessageStatus from, MessageStatus to) {
        return jdbc.sql("""
                        update messages set status = :to, updated_at = now(),
                            published_at = case when :to = 'SENDING' then coalesce(published_at, now()) else published_at end,
                            finished_at = case when :to in ('SENT', 'FAILED', 'CANCELED', 'REVOKED') then now()
                                               else finished_at end
                        where id = :id and status = :from
                        """)
                        .param("id", id)
                        .param("from", from.name())
                        .param("to", to.name())
                        .update()
                > 0;
    }

    /**
     * One statement per page. With a city it walks {@code message_cities} in page order: the city's
     * rows newest first, filtered by status in the index, each joined to its message for the other
     * filters, stopping after {@code limit} matches. Without a city it is a query on {@code messages}
     * alone (docs/search.md names the index each filter uses).
     */
    @Override
    public List<Message> search(MessageQuery query) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS);
        List<Object> args = new ArrayList<>();
        String createdAt;
        String id;
        String status;
        if (query.city() != null) {
            sql.append(" from message_cities c join messages on messages.id = c.message_id where c.city = ?");
            args.add(query.city());
            createdAt = "c.created_at";
            id = "c.message_id";
            status = "c.status";
        } else {
            sql.append(" from messages where true");
            createdAt = "messages.created_at";
            id = "messages.id";
            status = "messages.status";
        }
        if (query.text() != null) {
            if (query.city() != null && everyWordRequired(query.text())) {
                // why: skips in the index the city rows whose words cannot match (V8), so that only
                // the rows that may match are joined to their messages; the test below decides
                sql.append(" and c.words & message_words_signature(to_tsvector('simple', ?))"
                        + " = message_words_signature(to_tsvector('simple', ?))");
                args.add(query.text());
                args.add(query.text());
            }
            sql.append(" and messages.search @@ websearch_to_tsquery('simple', ?)");
            args.add(query.text());
        }
        if (query.status() != null) {
            sql.append(" and ").append(status).append(" = ?");
            args.add(query.status().name());
        }
        if (query.kind() != null) {
            sql.append(" and messages.segment_kinds @> array[cast(? as text)]");
            args.add(query.kind());
        }
        if (query.category() != null) {
            sql.append(" and messages.category = ?");
            args.add(query.category());
        }
        if (query.from() != null) {
            sql.append(" and ").append(createdAt).append(" >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and ").append(createdAt).append(" < ?");
            args.add(Timestamp.from(query.to()));
        }
        if (query.afterCreatedAt() != null && query.afterId() != null) {
            sql.append(" and (").append(createdAt).append(", ").append(id).append(") < (?, ?)");
            args.add(Timestamp.from(query.afterCreatedAt()));
            args.add(query.afterId());
        }
        sql.append(" order by ").append(createdAt).append(" desc, ").append(id).append(" desc limit ?");
        args.add(query.limit());
        boolean planForTheValues = query.text() != null || query.city() != null || query.kind() != null;
        return template.query(
                sql.toString(),
                statement -> {
                    if (planForTheValues) {
                        // why: after five runs on a connection the driver prepares a statement on the
                        // server, and PostgreSQL may then keep one generic plan whatever the word, city
                        // or kind. Measured over 1,000,000 messages: the generic plan for a word in 2.5%
                        // of them with a city and a kind read 16,415 messages in 600 ms; planned for the
                        // values, the same search walked 2,581 rows of the city in 67 ms.
                        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
                    }
                    new ArgumentPreparedStatementSetter(args.toArray()).setValues(statement);
                },
                JdbcMessageStore::map);
    }

    /**
     * Whether a message matches {@code text} only if it holds every word of it: plain words (letters,
     * digits, spaces), which {@code websearch_to_tsquery} joins with AND, and none of them {@code or}.
     * An {@code or} or a leading {@code -} makes words optional or excluded; any other punctuation
     * (quotes, hyphens, dots) is left to PostgreSQL's parser alone, and such a search is not narrowed
     * by the words' signature.
     */
    static boolean everyWordRequired(String text) {
        if (!PLAIN_WORDS.matcher(text).matches()) {
            return false;
        }
        for (String word : text.trim().split("\\s+")) {
            if (word.equalsIgnoreCase("or")) {
                return false;
            }
        }
        return true;
    }

    static Message map(ResultSet rs, int row) throws SQLException {
        Audience audience = "segment".equals(rs.getString("audience_type"))
                ? new Audience.SegmentAudience(Segment.of(
                        strings(rs.getArray("segment_kinds")),
                        strings(rs.getArray("segment_cities")),
                        strings(rs.getArray("segment_tags"))))
                : new Audience.ListAudience(rs.getObject("audience_id", UUID.class), rs.getLong("audience_size"));
        return new Message(
                rs.getObject("id", UUID.class),
                rs.getString("title"),
                rs.getString("body"),
                rs.getString("category"),
                audience,
                strings(rs.getArray("channels")),
                rs.getBoolean("pinned"),
                rs.getBoolean("force_read"),
                instant(rs.getTimestamp("valid_from")),
                instant(rs.getTimestamp("valid_until")),
                instant(rs.getTimestamp("send_at")),
                Lane.of(rs.getString("lane")),
                MessageStatus.valueOf(rs.getString("status")),
                rs.getLong("targeted"),
                rs.getBoolean("planned"),
                rs.getInt("packages_total"),
                rs.getInt("packages_open"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                instant(rs.getTimestamp("published_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** An instant as PostgreSQL reads a {@code timestamptz}, to the microsecond it keeps. */
    private static @Nullable String text(@Nullable Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
