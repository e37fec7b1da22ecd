package dev.messagecenter.recipient.jdbc;

import dev.messagecenter.recipient.Channels;
import dev.messagecenter.recipient.Recipient;
import dev.messagecenter.recipient.RecipientDirectory;
import dev.messagecenter.recipient.RecipientDraft;
import dev.messagecenter.recipient.RecipientPage;
import dev.messagecenter.recipient.Segment;
import dev.messagecenter.recipient.SegmentCursor;
import dev.messagecenter.recipient.UpsertCounts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The directory in PostgreSQL. Bulk upserts {@code COPY} a batch into a session-local staging
 * table and merge it with one {@code INSERT ... ON CONFLICT}; segment pages are keyset scans of
 * the partial index on (city, id).
 */
@Repository
class JdbcRecipientDirectory implements RecipientDirectory {

    private static final String COLUMNS = "id, kind, city, tags, locale, channels, active, created_at, updated_at";

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final JsonMapper json;

    JdbcRecipientDirectory(JdbcClient jdbc, DataSource dataSource, TransactionTemplate transaction, JsonMapper json) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.transaction = transaction;
        this.json = json;
    }

    @Override
    public boolean upsert(RecipientDraft draft) {
        return jdbc.sql("""
                        insert into recipients (id, kind, city, tags, locale, channels)
                        values (:id, :kind, :city, :tags, :locale, cast(:channels as jsonb))
                        on conflict (id) do update set kind = excluded.kind, city = excluded.city,
                            tags = excluded.tags, locale = excluded.locale, channels = excluded.channels,
                            active = true, updated_at = now()
                        returning (xmax = 0)
                        """)
                .param("id", draft.id())
                .param("kind", draft.kind())
                .param("city", draft.city())
                .param("tags", draft.tags().toArray(String[]::new))
                .param("locale", draft.locale())
                .param("channels", json.writeValueAsString(draft.channels()))
                .query(Boolean.class)
                .single();
    }

    @Override
    public UpsertCounts upsertAll(List<RecipientDraft> batch) {
        if (batch.isEmpty()) {
            return UpsertCounts.NONE;
        }
        String rows = copyRows(batch);
        return transaction.execute(status -> {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("""
                            create temporary table if not exists recipient_staging (
                                line bigint, id text, kind text, city text, tags text[], locale text, channels jsonb
                            ) on commit delete rows
                            """);
                }
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "copy recipient_staging (line, id, kind, city, tags, locale, channels) from stdin",
                                // why: bytes, not a Reader: the driver encodes a Reader in chunks of
                                // 65,536 characters, and a character outside the BMP (an emoji) that
                                // straddles two chunks was stored as "??"
                                new ByteArrayInputStream(rows.getBytes(StandardCharsets.UTF_8)));
                try (Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery("""
                                with incoming as (
                                    select distinct on (id) id, kind, city, tags, locale, channels
                                    from recipient_staging order by id, line desc
                                ), merged as (
                                    insert into recipients (id, kind, city, tags, locale, channels)
                                    select id, kind, city, tags, locale, channels from incoming
                                    on conflict (id) do update set kind = excluded.kind, city = excluded.city,
                                        tags = excluded.tags, locale = excluded.locale,
                                        channels = excluded.channels, active = true, updated_at = now()
                                    returning (xmax = 0) as inserted
                                )
                                select count(*) filter (where inserted), count(*) filter (where not inserted)
                                from merged
                                """)) {
                    result.next();
                    return new UpsertCounts(result.getLong(1), result.getLong(2));
                }
            } catch (SQLException e) {
                throw failed(e);
            } catch (IOException e) {
                throw new IllegalStateException("Bulk upsert of recipients failed", e);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        });
    }

    /**
     * The failure without PostgreSQL's detail and context, which quote the row a {@code COPY}
     * failed on: push tokens and email addresses must not reach the log.
     */
    private static IllegalStateException failed(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        return server == null
                ? new IllegalStateException("Bulk upsert of recipients failed", e)
                : new IllegalStateException(
                        "Bulk upsert of recipients failed: " + server.getSQLState() + " " + server.getMessage());
    }

    /** Rows in COPY's text format: tab-separated, with backslash escapes. */
    String copyRows(List<RecipientDraft> batch) {
        StringBuilder rows = new StringBuilder(batch.size() * 160);
        long line = 0;
        for (RecipientDraft draft : batch) {
            rows.append(line++).append('\t');
            escape(rows, draft.id()).append('\t');
            escape(rows, draft.kind()).append('\t');
            escape(rows, draft.city()).append('\t');
            // why: quoted, since an unquoted element null is an SQL NULL in an array literal; tags
            // are validated tokens, so no quote or backslash needs escaping inside the quotes
            rows.append('{');
            for (int i = 0; i < draft.tags().size(); i++) {
                rows.append(i == 0 ? "\"" : ",\"").append(draft.tags().get(i)).append('"');
            }
            rows.append('}').append('\t');
            if (draft.locale() == null) {
                rows.append("\\N");
            } else {
                escape(rows, draft.locale());
            }
            rows.append('\t');
            escape(rows, json.writeValueAsString(draft.channels())).append('\n');
        }
        return rows.toString();
    }

    private static StringBuilder escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    @Override
    public Optional<Recipient> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from recipients where id = :id")
                .param("id", id)
                .query(this::map)
                .optional();
    }

    @Override
    public boolean deactivate(String id) {
        return jdbc.sql("update recipients set active = false, updated_at = now() where id = :id and active")
                        .param("id", id)
                        .update()
                > 0;
    }

    @Override
    public RecipientPage page(Segment segment, @Nullable SegmentCursor after, int limit) {
        int size = Math.clamp(limit, 1, MAX_PAGE_SIZE);
        List<Recipient> recipients = walk(COLUMNS, segment, after, size, this::map);
        SegmentCursor next = null;
        if (recipients.size() == size) {
            Recipient last = recipients.getLast();
            next = new SegmentCursor(last.city(), last.id());
        }
        return new RecipientPage(recipients, next);
    }

    @Override
    public IdPage pageIds(Segment segment, @Nullable SegmentCursor after, int limit) {
        int size = Math.clamp(limit, 1, MAX_PAGE_SIZE);
        List<SegmentCursor> rows = walk(
                "city, id", segment, after, size, (rs, row) -> new SegmentCursor(rs.getString(1), rs.getString(2)));
        SegmentCursor last = rows.isEmpty() ? null : rows.getLast();
        return new IdPage(rows.stream().map(SegmentCursor::id).toList(), last, rows.size() == size ? last : null);
    }

    /**
     * One keyset page of the segment in (city, id) order. With a list of cities the walk goes city
     * by city, each step one range of the index ({@code city = c and id > x}): combining
     * {@code city = any(...)} with a row comparison would make PostgreSQL read the index from the
     * first city up to the cursor on every page.
     */
    private <T> List<T> walk(
            String columns, Segment segment, @Nullable SegmentCursor after, int size, RowMapper<T> mapper) {
        if (segment.cities().isEmpty()) {
            return cityQuery(columns, segment, null, after, size).query(mapper).list();
        }
        List<T> rows = new ArrayList<>(size);
        // why: the segment's cities are sorted like the index (byte order of lowercase ASCII tokens)
        for (String city : segment.cities()) {
            if (after != null && city.compareTo(after.city()) < 0) {
                continue;
            }
            SegmentCursor within = after != null && city.equals(after.city()) ? after : null;
            rows.addAll(cityQuery(columns, segment, city, within, size - rows.size())
                    .query(mapper)
                    .list());
            if (rows.size() == size) {
                break;
            }
        }
        return rows;
    }

    private JdbcClient.StatementSpec cityQuery(
            String columns, Segment segment, @Nullable String city, @Nullable SegmentCursor after, int size) {
        StringBuilder sql = new StringBuilder("select " + columns + " from recipients where active");
        if (city != null) {
            sql.append(" and city = :city");
        }
        if (!segment.kinds().isEmpty()) {
            sql.append(" and kind = any(:kinds)");
        }
        if (!segment.tags().isEmpty()) {
            sql.append(" and tags @> cast(:tags as text[])");
        }
        if (after != null) {
            sql.append(city != null ? " and id > :afterId" : " and (city, id) > (:afterCity, :afterId)");
        }
        sql.append(city != null ? " order by id" : " order by city, id").append(" limit :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString()).param("limit", size);
        if (city != null) {
            statement = statement.param("city", city);
        }
        if (!segment.kinds().isEmpty()) {
            statement = statement.param("kinds", segment.kinds().toArray(String[]::new));
        }
        if (!segment.tags().isEmpty()) {
            statement = statement.param("tags", segment.tags().toArray(String[]::new));
        }
        if (after != null) {
            statement = statement.param("afterId", after.id());
            if (city == null) {
                statement = statement.param("afterCity", after.city());
            }
        }
        return statement;
    }

    private Recipient map(ResultSet rs, int row) throws SQLException {
        return new Recipient(
                rs.getString("id"),
                rs.getString("kind"),
                rs.getString("city"),
                Arrays.asList((String[]) rs.getArray("tags").getArray()),
                rs.getString("locale"),
                json.readValue(rs.getString("channels"), Channels.class),
                rs.getBoolean("active"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
