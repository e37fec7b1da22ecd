package dev.messagecenter.coordinator.jdbc;

import dev.messagecenter.coordinator.PlanStore;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.recipient.SegmentCursor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcPlanStore implements PlanStore {

    private final JdbcClient jdbc;

    JdbcPlanStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Claimed> claimDue(Lane lane, String owner, Duration lease) {
        return jdbc.sql("""
                        with due as (
                            select id, status from messages
                            where lane = :lane and status in ('SCHEDULED', 'SENDING') and not planned
                              and send_at <= now() and (plan_lease_until is null or plan_lease_until < now())
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
                .query((rs, row) ->
                        new Claimed(rs.getObject("id", UUID.class), rs.getBoolean("started"), rs.getBoolean("segment")))
                .optional();
    }

    @Override
    public Optional<Progress> lockForPlanning(UUID messageId, String owner) {
        return jdbc.sql("""
                        select id, lane, status, plan_city, plan_recipient, packages_total from messages
                        where id = :id and plan_owner = :owner and not planned for update
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
    public void advance(UUID messageId, SegmentCursor reached, long targeted, int packagesOpened, Duration lease) {
        jdbc.sql("""
                        update messages set plan_city = :city, plan_recipient = :recipient,
                            targeted = targeted + :targeted, packages_open = packages_open + :opened,
                            packages_total = packages_total + :opened,
                            plan_lease_until = now() + cast(:lease as interval), updated_at = now()
                        where id = :id
                        """)
                .param("id", messageId)
                .param("city", reached.city())
                .param("recipient", reached.id())
                .param("targeted", targeted)
                .param("opened", packagesOpened)
                .param("lease", lease.toMillis() + " milliseconds")
                .update();
    }

    @Override
    public MessageStatus finishPlanning(UUID messageId) {
        return jdbc.sql("""
                        update messages set planned = true, plan_owner = null, plan_lease_until = null,
                            status = case when packages_open = 0 and status = 'SENDING' then 'SENT' else status end,
                            finished_at = case when packages_open = 0 and status = 'SENDING' then now()
                                               else finished_at end,
                            updated_at = now()
                        where id = :id returning status
                        """)
                .param("id", messageId)
                .query(String.class)
                .optional()
                .map(MessageStatus::valueOf)
                .orElseThrow();
    }

    @Override
    public Optional<MessageStatus> closePackage(UUID messageId) {
        return jdbc.sql("""
                        with old as (select id, status from messages where id = :id for update)
                        update messages m set packages_open = m.packages_open - 1, updated_at = now(),
                            status = case when m.packages_open - 1 = 0 and m.planned and m.status = 'SENDING'
                                          then (case when exists (select 1 from packages p where p.message_id = m.id
                                                                  and p.state = 'done') then 'SENT' else 'FAILED' end)
                                          else m.status end,
                            finished_at = case when m.packages_open - 1 = 0 and m.planned and m.status = 'SENDING'
                                               then now() else m.finished_at end
                        from old where m.id = old.id
                        returning m.status, old.status as previous
                        """)
                .param("id", messageId)
                .query((rs, row) -> rs.getString("status").equals(rs.getString("previous"))
                        ? Optional.<MessageStatus>empty()
                        : Optional.of(MessageStatus.valueOf(rs.getString("status"))))
                .optional()
                .flatMap(changed -> changed);
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
                        join recipients r on r.id = am.recipient_id and r.active
                        where am.audience_id = :audience and am.recipient_id > :after
                        order by am.recipient_id limit :limit
                        """)
                .param("audience", audienceId)
                .param("after", afterId)
                .param("limit", limit)
                .query(String.class)
                .list();
    }
}
