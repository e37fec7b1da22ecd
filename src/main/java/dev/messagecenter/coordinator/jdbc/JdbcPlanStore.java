package dev.messagecenter.coordinator.jdbc;

import dev.messagecenter.coordinator.PlanStore;
import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.recipient.SegmentCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcPlanStore implements PlanStore {

    /**
     * Whether a message whose packages are all closed delivered anything: one of its packages is
     * done, or it is a broadcast on a channel that needs no package (the inbox: stored once, it is
     * in every targeted inbox from the moment the broadcast is published).
     */
    private static final String DELIVERED_SOMETHING = """
            ((m.audience_type = 'segment' and m.channels && cast(:publishedChannels as text[]))
             or exists (select 1 from packages p where p.message_id = m.id and p.state = 'done'))
            """;

    private final JdbcClient jdbc;
    private final String[] publishedChannels;

    JdbcPlanStore(JdbcClient jdbc, ChannelRegistry channels) {
        this.jdbc = jdbc;
        this.publishedChannels = channels.channels().stream()
                .filter(channels::storedOnceForSegments)
                .toArray(String[]::new);
    }

    @Override
    public Optional<Claimed> claimDue(Lane lane, String owner, Duration lease, int pageSize) {
        return jdbc.sql("""
                        with due as (
                            select id, status from messages d
                            where lane = :lane and status in ('SCHEDULED', 'SENDING') and not planned
                              and send_at <= now() and (plan_lease_until is null or plan_lease_until < now())
                              and (status = 'SENDING' or valid_until is null or valid_until > now())
                              and not (audience_type = 'list' and packages_total = 0 and plan_recipient is null
                                       and exists (select 1 from audiences a
                                                   where a.id = d.audience_id and a.size <= :page))
                            order by send_at, id limit 1 for update skip locked
                        )
                        update messages m set plan_owner = :owner,
                            plan_lease_until = now() + cast(:lease as interval), status = 'SENDING',
                            published_at = coalesce(m.published_at, now()), updated_at = now()
                        from due where m.id = due.id
                        returning m.id, due.status = 'SCHEDULED' as started, m.audience_type = 'segment' as segment
                        """)
                .param("lane", lane.id())
                .param("owner", owner)
                .param("lease", lease.toMillis() + " milliseconds")
                .param("page", pageSize)
                .query((rs, row) ->
                        new Claimed(rs.getObject("id", UUID.class), rs.getBoolean("started"), rs.getBoolean("segment")))
                .optional();
    }

    @Override
    public List<UUID> cancelExpired(Lane lane) {
        return jdbc.sql("""
                        update messages set status = 'CANCELED', finished_at = now(), updated_at = now()
                        where lane = :lane and status = 'SCHEDULED' and not planned
                          and send_at <= now() and valid_until <= now()
                        returning id
                        """).param("lane", lane.id()).query(UUID.class).list();
    }

    @Override
    public List<PlannedList> planSmallLists(Lane lane, int pageSize, int limit) {
        List<Due> due = jdbc.sql("""
                        select m.id, m.status from messages m join audiences a on a.id = m.audience_id
                        where m.lane = :lane and m.status in ('SCHEDULED', 'SENDING') and not m.planned
                          and m.send_at <= now() and (m.plan_lease_until is null or m.plan_lease_until < now())
                          and (m.status = 'SENDING' or m.valid_until is null or m.valid_until > now())
                          and m.audience_type = 'list' and m.packages_total = 0 and m.plan_recipient is null
                          and a.size <= :page
                        order by m.send_at, m.id limit :limit for update of m skip locked
                        """)
                .param("lane", lane.id())
                .param("page", pageSize)
                .param("limit", limit)
                .query((rs, row) -> new Due(rs.getObject("id", UUID.class), rs.getString("status")))
                .list();
        if (due.isEmpty()) {
            return List.of();
        }
        UUID[] ids = due.stream().map(Due::id).toArray(UUID[]::new);
        Map<UUID, Long> targetedBy = new HashMap<>();
        Map<UUID, Map<String, Long>> opened = new HashMap<>();
        // why: one statement for the whole batch; recipients in id order, as listPage pages them;
        // each one's active flag read as in smallLists
        jdbc.sql("""
                        insert into packages (message_id, channel, lane, seq, recipients)
                        select m.id, c.channel, m.lane, c.ord - 1, r.ids
                        from messages m
                        cross join lateral (
                            select array_agg(am.recipient_id order by am.recipient_id) as ids
                            from audience_members am
                            where am.audience_id = m.audience_id
                              and (select rc.active from recipients rc where rc.id = am.recipient_id)) r
                        cross join lateral unnest(m.channels) with ordinality as c(channel, ord)
                        where m.id = any(:ids) and r.ids is not null
                        returning id, message_id, channel, cardinality(recipients) as size
                        """).param("ids", ids).query(rs -> {
            UUID message = rs.getObject("message_id", UUID.class);
            targetedBy.put(message, rs.getLong("size"));
            opened.computeIfAbsent(message, id -> new TreeMap<>()).put(rs.getString("channel"), rs.getLong("id"));
        });
        Long[] targeted = new Long[ids.length];
        Integer[] packages = new Integer[ids.length];
        List<PlannedList> planned = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            Map<String, Long> packageIds = opened.getOrDefault(ids[i], Map.of());
            targeted[i] = targetedBy.getOrDefault(ids[i], 0L);
            packages[i] = packageIds.size();
            planned.add(new PlannedList(
                    ids[i],
                    due.get(i).status().equals("SCHEDULED"),
                    targeted[i],
                    packageIds,
                    packages[i] == 0 ? MessageStatus.SENT : MessageStatus.SENDING));
        }
        jdbc.sql("""
                        update messages m set targeted = p.targeted, packages_open = p.packages,
                            packages_total = p.packages, planned = true, plan_owner = null, plan_lease_until = null,
                            status = case when p.packages = 0 then 'SENT' else 'SENDING' end,
                            published_at = coalesce(m.published_at, now()),
                            finished_at = case when p.packages = 0 then now() else m.finished_at end,
                            updated_at = now()
                        from unnest(:ids, :targeted, :packages) as p(id, targeted, packages)
                        where m.id = p.id
                        """)
                .param("ids", ids)
                .param("targeted", targeted)
                .param("packages", packages)
                .update();
        return planned;
    }

    private record Due(UUID id, String status) {}

    @Override
    public Optional<Progress> planningProgress(UUID messageId, String owner) {
        return jdbc.sql("""
                        select id, lane, status, plan_city, plan_recipient, packages_total from messages
                        where id = :id and plan_owner = :owner and not planned
                        """)
                .param("id", messageId)
                .param("owner", owner)
                .query((rs, row) -> new Progress(
                        rs.getObject("id", UUID.class),
                        Lane.of(rs.getString("lane")),
                        MessageStatus.valueOf(rs.getString("status")),
                        rs.getString("plan_recipient") == null
                                ? null
                                : new SegmentCursor(rs.getString("plan_city"), rs.getString("plan_recipient")),
                        rs.getInt("packages_total")))
                .optional();
    }

    @Override
    public boolean advance(
            UUID messageId,
            String owner,
            @Nullable SegmentCursor from,
            SegmentCursor reached,
            long targeted,
            int packagesOpened,
            Duration lease) {
        return jdbc.sql("""
                        update messages set plan_city = :city, plan_recipient = :recipient,
                            targeted = targeted + :targeted, packages_open = packages_open + :opened,
                            packages_total = packages_total + :opened,
                            plan_lease_until = now() + cast(:lease as interval), updated_at = now()
                        where id = :id and plan_owner = :owner and not planned and status = 'SENDING'
                          and plan_city is not distinct from cast(:fromCity as text)
                          and plan_recipient is not distinct from cast(:fromRecipient as text)
                        """)
                        .param("id", messageId)
                        .param("owner", owner)
                        .param("fromCity", from == null ? null : from.city())
                        .param("fromRecipient", from == null ? null : from.id())
                        .param("city", reached.city())
                        .param("recipient", reached.id())
                        .param("targeted", targeted)
                        .param("opened", packagesOpened)
                        .param("lease", lease.toMillis() + " milliseconds")
                        .update()
                > 0;
    }

    @Override
    public Optional<MessageStatus> finishPlanning(UUID messageId, String owner) {
        lock(new UUID[] {messageId});
        return jdbc.sql("""
                        update messages m set planned = true, plan_owner = null, plan_lease_until = null,
                            status = case when m.packages_open = 0 and m.status = 'SENDING'
                                          then (case when m.packages_total = 0 or """ + DELIVERED_SOMETHING + """
                                                     then 'SENT' else 'FAILED' end)
                                          else m.status end,
                            finished_at = case when m.packages_open = 0 and m.status = 'SENDING' then now()
                                               else m.finished_at end,
                            updated_at = now()
                        where m.id = :id and m.plan_owner = :owner and not m.planned returning m.status
                        """)
                .param("id", messageId)
                .param("owner", owner)
                .param("publishedChannels", publishedChannels)
                .query(String.class)
                .optional()
                .map(MessageStatus::valueOf);
    }

    /**
     * Locks the messages' rows, in id order, in a statement of its own: in PostgreSQL's read
     * committed mode a statement sees what was committed when it started, and an update that waits
     * for a row lock rereads only that row. A worker that closes a message's last package while
     * another commits a done one must see that package done, so the statement that decides SENT or
     * FAILED starts after the lock is held. "No key update", not "update": the caller's earlier
     * inserts of events hold key-share locks on these rows (foreign keys), which only "update"
     * conflicts with, so two workers closing packages of one message would deadlock.
     */
    private void lock(UUID[] messageIds) {
        jdbc.sql("select id from messages where id = any(:ids) order by id for no key update")
                .param("ids", messageIds)
                .query(UUID.class)
                .list();
    }

    @Override
    public Map<UUID, MessageStatus> closePackages(Map<UUID, Integer> closed, boolean done) {
        if (closed.isEmpty()) {
            return Map.of();
        }
        Map<UUID, MessageStatus> finished = new HashMap<>();
        UUID[] ids = closed.keySet().toArray(UUID[]::new);
        lock(ids);
        jdbc.sql("""
                        with old as (
                            select m.id, m.status, c.n from messages m
                            join unnest(:ids, :counts) as c(id, n) on c.id = m.id
                        )
                        update messages m set packages_open = m.packages_open - old.n, updated_at = now(),
                            status = case when m.packages_open - old.n = 0 and m.planned and m.status = 'SENDING'
                                          then (case when :done or """ + DELIVERED_SOMETHING + """
                                                     then 'SENT' else 'FAILED' end)
                                          else m.status end,
                            finished_at = case when m.packages_open - old.n = 0 and m.planned and m.status = 'SENDING'
                                               then now() else m.finished_at end
                        from old where m.id = old.id
                        returning m.id, m.status, old.status as previous
                        """)
                .param("ids", ids)
                .param("counts", closed.values().toArray(Integer[]::new))
                .param("done", done)
                .param("publishedChannels", publishedChannels)
                .query(rs -> {
                    if (!rs.getString("status").equals(rs.getString("previous"))) {
                        finished.put(rs.getObject("id", UUID.class), MessageStatus.valueOf(rs.getString("status")));
                    }
                });
        return finished;
    }

    @Override
    public void reopenPackage(UUID messageId) {
        jdbc.sql("""
                        update messages set packages_open = packages_open + 1, updated_at = now(),
                            status = case when status in ('SENT', 'FAILED') then 'SENDING' else status end,
                            finished_at = case when status in ('SENT', 'FAILED') then null else finished_at end
                        where id = :id
                        """).param("id", messageId).update();
    }

    @Override
    public List<String> listPage(UUID audienceId, String afterId, int limit) {
        return jdbc.sql("""
                        select am.recipient_id from audience_members am
                        where am.audience_id = :audience and am.recipient_id > :after
                          and (select r.active from recipients r where r.id = am.recipient_id)
                        order by am.recipient_id limit :limit
                        """)
                .param("audience", audienceId)
                .param("after", afterId)
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /**
     * The active members of several small lists. Each member's active flag is read through the
     * recipients' primary key, in a sub-plan the planner cannot turn into a join: with the row
     * estimates of a freshly imported directory it hashed all the recipients to find a handful (5
     * ms a list at 10,000 recipients, and it grows with the directory); {@code listPage} and
     * {@code planSmallLists} read the flag the same way.
     */
    static final String SMALL_LISTS = """
            select am.audience_id, am.recipient_id from audience_members am
            where am.audience_id = any(:audiences)
              and (select r.active from recipients r where r.id = am.recipient_id)
            order by am.audience_id, am.recipient_id
            """;

    @Override
    public Map<UUID, List<String>> smallLists(List<UUID> audienceIds) {
        Map<UUID, List<String>> members = new HashMap<>();
        jdbc.sql(SMALL_LISTS)
                .param("audiences", audienceIds.toArray(UUID[]::new))
                .query(rs -> {
                    members.computeIfAbsent(rs.getObject("audience_id", UUID.class), id -> new ArrayList<>())
                            .add(rs.getString("recipient_id"));
                });
        return members;
    }
}
