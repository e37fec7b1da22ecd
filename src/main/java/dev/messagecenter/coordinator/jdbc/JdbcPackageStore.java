package dev.messagecenter.coordinator.jdbc;

import dev.messagecenter.coordinator.DeliveryPackageRecord;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.coordinator.PackageState;
import dev.messagecenter.coordinator.PackageStore;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class JdbcPackageStore implements PackageStore {

    private static final String RECORD_COLUMNS = """
            id, message_id, channel, lane, seq, cardinality(recipients) as size, state, attempts, delivered, failed,
            last_error, next_attempt_at, first_attempt_at, created_at, updated_at
            """;

    private final JdbcClient jdbc;

    public JdbcPackageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long insert(UUID messageId, String channel, Lane lane, int seq, List<String> recipients) {
        return jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients)
                        values (:message, :channel, :lane, :seq, :recipients)
                        returning id
                        """)
                .param("message", messageId)
                .param("channel", channel)
                .param("lane", lane.id())
                .param("seq", seq)
                .param("recipients", recipients.toArray(String[]::new))
                .query(Long.class)
                .single();
    }

    @Override
    public List<Long> insertDoneAll(List<DeliveredPackage> done) {
        int n = done.size();
        UUID[] messages = new UUID[n];
        String[] channels = new String[n];
        String[] lanes = new String[n];
        Integer[] seqs = new Integer[n];
        List<Integer> owners = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DeliveredPackage d = done.get(i);
            messages[i] = d.messageId();
            channels[i] = d.channel();
            lanes[i] = d.lane().id();
            seqs[i] = d.seq();
            for (String recipient : d.recipients()) {
                owners.add(i + 1);
                recipients.add(recipient);
            }
        }
        // why: a package's recipients are an array column; they travel flat, each tagged with its
        // package's position, and are gathered back in their order
        Map<Slot, Long> ids = new HashMap<>();
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients, state, attempts,
                            first_attempt_at, delivered)
                        select p.message, p.channel, p.lane, p.seq, r.ids, 'done', 1, now(), cardinality(r.ids)
                        from unnest(:messages, :channels, :lanes, :seqs) with ordinality as p(message, channel, lane, seq, n)
                        join (select owner, array_agg(recipient order by ord) as ids
                              from unnest(:owners, :recipients) with ordinality as f(owner, recipient, ord)
                              group by owner) r on r.owner = p.n
                        order by p.n
                        returning id, message_id, seq
                        """)
                .param("messages", messages)
                .param("channels", channels)
                .param("lanes", lanes)
                .param("seqs", seqs)
                .param("owners", owners.toArray(Integer[]::new))
                .param("recipients", recipients.toArray(String[]::new))
                .query(rs -> {
                    ids.put(new Slot(rs.getObject("message_id", UUID.class), rs.getInt("seq")), rs.getLong("id"));
                });
        List<Long> ordered = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Long id = ids.get(new Slot(messages[i], seqs[i]));
            if (id == null) {
                throw new IllegalArgumentException("package " + i + " has no recipients");
            }
            ordered.add(id);
        }
        return ordered;
    }

    /** A package's place: its message and its number within it. */
    private record Slot(UUID message, int seq) {}

    @Override
    public Map<Long, Work> workAll(List<PackageQueue.ClaimedPackage> claimed) {
        Map<Long, Integer> attempts = new HashMap<>();
        claimed.forEach(c -> attempts.put(c.packageId(), c.attempt()));
        Map<Long, Work> works = new HashMap<>();
        jdbc.sql("""
                        select p.id, p.message_id, p.channel, p.recipients, p.state, p.first_attempt_at, p.lost,
                               m.title, m.body, m.category, m.pinned, m.force_read, m.status
                        from packages p join messages m on m.id = p.message_id
                        where p.id = any(:ids)
                        """).param("ids", attempts.keySet().toArray(Long[]::new)).query(rs -> {
            long id = rs.getLong("id");
            works.put(id, work(rs, attempts.get(id)));
        });
        return works;
    }

    private static Work work(ResultSet rs, int attempt) throws SQLException {
        return new Work(
                new DeliveryPackage(
                        rs.getLong("id"),
                        rs.getObject("message_id", UUID.class),
                        rs.getString("channel"),
                        attempt,
                        Arrays.asList((String[]) rs.getArray("recipients").getArray()),
                        new DeliveryPackage.Content(
                                rs.getString("title"),
                                rs.getString("body"),
                                rs.getString("category"),
                                rs.getBoolean("pinned"),
                                rs.getBoolean("force_read"))),
                PackageState.of(rs.getString("state")),
                MessageStatus.valueOf(rs.getString("status")),
                instant(rs.getTimestamp("first_attempt_at"), Instant.now()),
                rs.getInt("lost"));
    }

    @Override
    public Set<Long> doneAll(List<Done> done) {
        if (done.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("""
                        update packages p set state = 'done', delivered = d.delivered, failed = d.failed,
                            lease_until = null, last_error = null, updated_at = now()
                        from unnest(:ids, :attempts, :delivered, :failed) as d(id, attempt, delivered, failed)
                        where p.id = d.id and p.state = 'dispatched' and p.attempts = d.attempt
                        returning p.id
                        """)
                .param("ids", done.stream().map(Done::packageId).toArray(Long[]::new))
                .param("attempts", done.stream().map(Done::attempt).toArray(Integer[]::new))
                .param("delivered", done.stream().map(Done::delivered).toArray(Integer[]::new))
                .param("failed", done.stream().map(Done::failed).toArray(Integer[]::new))
                .query(Long.class)
                .list());
    }

    @Override
    public boolean renewLease(long packageId, int attempt, Duration lease) {
        return jdbc.sql("""
                        update packages set lease_until = now() + cast(:lease as interval)
                        where id = :id and state = 'dispatched' and attempts = :attempt
                        """)
                        .param("id", packageId)
                        .param("attempt", attempt)
                        .param("lease", lease.toMillis() + " milliseconds")
                        .update()
                > 0;
    }

    @Override
    public boolean retryAt(long packageId, int attempt, Instant at, String reason) {
        return jdbc.sql("""
                        update packages set state = 'pending', next_attempt_at = :at, lease_until = null,
                            last_error = :reason, updated_at = now()
                        where id = :id and state = 'dispatched' and attempts = :attempt
                        """)
                        .param("id", packageId)
                        .param("attempt", attempt)
                        .param("at", Timestamp.from(at))
                        .param("reason", reason)
                        .update()
                > 0;
    }

    @Override
    public boolean deadLetter(long packageId, int attempt, String reason) {
        return jdbc.sql("""
                        update packages set state = 'failed', failed = cardinality(recipients), lease_until = null,
                            last_error = :reason, updated_at = now()
                        where id = :id and state = 'dispatched' and attempts = :attempt
                        """)
                        .param("id", packageId)
                        .param("attempt", attempt)
                        .param("reason", reason)
                        .update()
                > 0;
    }

    @Override
    public boolean cancel(long packageId, int attempt) {
        return jdbc.sql("""
                        update packages set state = 'canceled', lease_until = null, updated_at = now()
                        where id = :id and state = 'dispatched' and attempts = :attempt
                        """).param("id", packageId).param("attempt", attempt).update() > 0;
    }

    @Override
    public int cancelPending(UUID messageId) {
        return jdbc.sql("""
                        update packages set state = 'canceled', updated_at = now()
                        where message_id = :message and state = 'pending'
                        """).param("message", messageId).update();
    }

    @Override
    public Optional<PackageQueue.ClaimedPackage> claim(long packageId, Duration lease) {
        return claimAll(List.of(packageId), lease).stream().findFirst();
    }

    @Override
    public List<PackageQueue.ClaimedPackage> claimAll(List<Long> packageIds, Duration lease) {
        return jdbc.sql("""
                        update packages set state = 'dispatched', attempts = attempts + 1,
                            lease_until = now() + cast(:lease as interval),
                            first_attempt_at = coalesce(first_attempt_at, now()), updated_at = now()
                        where id = any(:ids) and state = 'pending' and next_attempt_at <= now()
                        returning id, attempts
                        """)
                .param("ids", packageIds.toArray(Long[]::new))
                .param("lease", lease.toMillis() + " milliseconds")
                .query((rs, row) -> new PackageQueue.ClaimedPackage(rs.getLong("id"), rs.getInt("attempts")))
                .list();
    }

    @Override
    public Optional<UUID> revive(long packageId) {
        return jdbc.sql("""
                        update packages set state = 'pending', first_attempt_at = null, failed = 0, lost = 0,
                            next_attempt_at = now(), updated_at = now()
                        where id = :id and state = 'failed' returning message_id
                        """).param("id", packageId).query(UUID.class).optional();
    }

    @Override
    public List<DeliveryPackageRecord> list(UUID messageId, @Nullable PackageState state, long afterId, int limit) {
        return jdbc.sql("select " + RECORD_COLUMNS
                        + " from packages where message_id = :message and id > :after"
                        + (state == null ? "" : " and state = :state")
                        + " order by id limit :limit")
                .param("message", messageId)
                .param("after", afterId)
                .param("limit", limit)
                .params(state == null ? Map.of() : Map.of("state", state.id()))
                .query(JdbcPackageStore::record)
                .list();
    }

    @Override
    public List<DeliveryPackageRecord> deadLetters(long afterId, int limit) {
        return jdbc.sql("select " + RECORD_COLUMNS
                        + " from packages where state = 'failed' and (:after = 0 or id < :after)"
                        + " order by id desc limit :limit")
                .param("after", afterId)
                .param("limit", limit)
                .query(JdbcPackageStore::record)
                .list();
    }

    @Override
    public Map<PackageState, Long> countByState(UUID messageId) {
        Map<PackageState, Long> counts = new EnumMap<>(PackageState.class);
        jdbc.sql("select state, count(*) from packages where message_id = :message group by state")
                .param("message", messageId)
                .query(rs -> {
                    counts.put(PackageState.of(rs.getString(1)), rs.getLong(2));
                });
        return counts;
    }

    @Override
    public List<DeliveryPackageRecord> containing(UUID messageId, String recipientId) {
        return jdbc.sql("select " + RECORD_COLUMNS
                        + " from packages where message_id = :message and recipients @> array[cast(:recipient as text)]"
                        + " order by id")
                .param("message", messageId)
                .param("recipient", recipientId)
                .query(JdbcPackageStore::record)
                .list();
    }

    private static DeliveryPackageRecord record(ResultSet rs, int row) throws SQLException {
        return new DeliveryPackageRecord(
                rs.getLong("id"),
                rs.getObject("message_id", UUID.class),
                rs.getString("channel"),
                Lane.of(rs.getString("lane")),
                rs.getInt("seq"),
                rs.getInt("size"),
                PackageState.of(rs.getString("state")),
                rs.getInt("attempts"),
                rs.getInt("delivered"),
                rs.getInt("failed"),
                rs.getString("last_error"),
                rs.getTimestamp("next_attempt_at").toInstant(),
                instant(rs.getTimestamp("first_attempt_at"), null),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static Instant instant(@Nullable Timestamp timestamp, Instant fallback) {
        return timestamp == null ? fallback : timestamp.toInstant();
    }
}
