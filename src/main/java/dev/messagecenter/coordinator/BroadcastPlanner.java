package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.message.Audience;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.recipient.RecipientDirectory;
import dev.messagecenter.recipient.SegmentCursor;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.trace.LifecycleLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns due messages into packages. It walks the audience one keyset page at a time; each page's
 * packages and the cursor it reached commit together, so a planner that dies resumes after its
 * lease at the last committed page, and no page is planned twice. It never holds more than one
 * page of recipients.
 */
@Component
class BroadcastPlanner {

    /** Due one-page lists planned per transaction. */
    private static final int SMALL_LIST_BATCH = 100;

    /**
     * How often a lane's planners look for due messages whose validity ended unsent: the claims
     * skip them anyway, and the look walks every due message, which in a backlog is many.
     */
    private static final Duration EXPIRY_SWEEP_EVERY = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(BroadcastPlanner.class);

    private final PlanStore plans;
    private final PackageStore packages;
    private final MessageStore messages;
    private final RecipientDirectory directory;
    private final ChannelRegistry channels;
    private final PlanningSupport support;
    private final PackageWorker worker;
    private final Map<Lane, AtomicLong> nextExpirySweep = new EnumMap<>(Lane.class);

    BroadcastPlanner(
            PlanStore plans,
            PackageStore packages,
            MessageStore messages,
            RecipientDirectory directory,
            ChannelRegistry channels,
            PlanningSupport support,
            PackageWorker worker) {
        this.plans = plans;
        this.packages = packages;
        this.messages = messages;
        this.directory = directory;
        this.channels = channels;
        this.support = support;
        this.worker = worker;
        long now = System.nanoTime();
        for (Lane lane : Lane.values()) {
            nextExpirySweep.put(lane, new AtomicLong(now));
        }
    }

    /** Plans the next due messages of the lane to the end; false when nothing was due. */
    boolean planNext(Lane lane) {
        TransactionTemplate transaction = support.transaction();
        cancelExpired(lane, transaction);
        if (planSmallLists(lane, transaction)) {
            return true;
        }
        Optional<PlanStore.Claimed> claimed = transaction.execute(status -> {
            Optional<PlanStore.Claimed> next = plans.claimDue(
                    lane,
                    support.owner(),
                    support.properties().planLease(),
                    support.properties().pageSize());
            next.filter(PlanStore.Claimed::started).ifPresent(c -> {
                support.log().record(c.messageId(), null, "SENDING", null);
                // why: a broadcast is in every targeted inbox from now on; a list message shows
                // nowhere until its entries are delivered, which tells the inbox per recipient
                if (c.segment()) {
                    support.visibilityChanged();
                }
            });
            return next;
        });
        if (claimed == null || claimed.isEmpty()) {
            return false;
        }
        UUID messageId = claimed.get().messageId();
        // why: what is planned (audience, channels) cannot change once sending started; read it once
        Message message = messages.find(messageId).orElseThrow();
        boolean more = true;
        while (more && support.running()) {
            Boolean step = transaction.execute(status -> planPage(message, status));
            more = Boolean.TRUE.equals(step);
        }
        return true;
    }

    /**
     * Cancels, at most once per {@link #EXPIRY_SWEEP_EVERY} for the lane, its due messages whose
     * validity ended before they started sending; the claims skip them meanwhile.
     */
    private void cancelExpired(Lane lane, TransactionTemplate transaction) {
        AtomicLong next = nextExpirySweep.get(lane);
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + EXPIRY_SWEEP_EVERY.toNanos())) {
            return;
        }
        List<UUID> expired = transaction.execute(status -> {
            List<UUID> ids = plans.cancelExpired(lane);
            support.log()
                    .recordAll(ids.stream()
                            .map(id -> new LifecycleLog.Entry(
                                    id, null, "CANCELED", "validity ended before sending started"))
                            .toList());
            return ids;
        });
        if (expired != null && !expired.isEmpty()) {
            log.info(
                    "Canceled {} messages of lane {} whose validity ended before they were sent",
                    expired.size(),
                    lane.id());
        }
    }

    /**
     * Plans a batch of due one-page lists (direct sends) in one transaction, instead of three
     * transactions and a dozen statements each, and delivers their inbox packages in it; false when
     * there were none.
     */
    private boolean planSmallLists(Lane lane, TransactionTemplate transaction) {
        List<PlanStore.PlannedList> planned = transaction.execute(status -> {
            List<PlanStore.PlannedList> batch =
                    plans.planSmallLists(lane, support.properties().pageSize(), SMALL_LIST_BATCH);
            List<LifecycleLog.Entry> events = new ArrayList<>(batch.size() * 2);
            for (PlanStore.PlannedList list : batch) {
                if (list.started()) {
                    events.add(new LifecycleLog.Entry(list.messageId(), null, "SENDING", null));
                }
                events.add(new LifecycleLog.Entry(
                        list.messageId(), null, "PLANNED", planned(list.targeted(), list.packages())));
                if (list.status() != MessageStatus.SENDING) {
                    events.add(new LifecycleLog.Entry(
                            list.messageId(), null, list.status().name(), null));
                }
            }
            support.log().recordAll(events);
            List<Long> inTransaction = new ArrayList<>();
            boolean queued = false;
            for (PlanStore.PlannedList list : batch) {
                for (Map.Entry<String, Long> opened : list.packageIds().entrySet()) {
                    if (channels.deliversInTransaction(opened.getKey())) {
                        inTransaction.add(opened.getValue());
                    } else {
                        queued = true;
                    }
                }
            }
            if (!inTransaction.isEmpty() && !worker.deliverPlanned(inTransaction)) {
                queued = true;
            }
            if (queued) {
                support.published(lane);
            }
            return batch;
        });
        if (planned == null || planned.isEmpty()) {
            return false;
        }
        log.debug("Planned {} list messages of lane {}", planned.size(), lane.id());
        return true;
    }

    /**
     * Plans one page; true while there are more pages to plan. The page is read and its packages
     * stored before the message's row is locked (by {@link PlanStore#advance}), so that the
     * workers closing the message's earlier packages do not wait for it; a step that finds its
     * progress moved in the meantime is rolled back, and the next step reads it again.
     */
    private boolean planPage(Message message, TransactionStatus transaction) {
        UUID messageId = message.id();
        String owner = support.owner();
        Optional<PlanStore.Progress> read = plans.planningProgress(messageId, owner);
        if (read.isEmpty()) {
            // another planner took over after our lease expired, or planning already ended
            return false;
        }
        PlanStore.Progress progress = read.get();
        if (progress.status() != MessageStatus.SENDING) {
            plans.finishPlanning(messageId, owner);
            return false;
        }
        int pageSize = support.properties().pageSize();
        List<String> recipients;
        SegmentCursor reached;
        List<String> packagedChannels;
        switch (message.audience()) {
            case Audience.SegmentAudience(var segment) -> {
                RecipientDirectory.IdPage page = directory.pageIds(segment, progress.cursor(), pageSize);
                recipients = page.ids();
                reached = page.last() == null ? progress.cursor() : page.last();
                packagedChannels = message.channels().stream()
                        .filter(channel -> !channels.storedOnceForSegments(channel))
                        .toList();
            }
            case Audience.ListAudience(var audienceId, var size) -> {
                String after =
                        progress.cursor() == null ? "" : progress.cursor().id();
                recipients = plans.listPage(audienceId, after, pageSize);
                reached = recipients.isEmpty() ? progress.cursor() : new SegmentCursor("-", recipients.getLast());
                packagedChannels = message.channels();
            }
        }
        if (!recipients.isEmpty()) {
            int seq = progress.packagesTotal();
            // why: no event per planned package; the packages list shows them, PLANNED sums them up
            for (String channel : packagedChannels) {
                packages.insert(messageId, channel, progress.lane(), seq++, recipients);
            }
            boolean advanced = plans.advance(
                    messageId,
                    owner,
                    progress.cursor(),
                    reached,
                    recipients.size(),
                    packagedChannels.size(),
                    support.properties().planLease());
            if (!advanced) {
                // why: another planner took over after our lease expired, or the message was
                // revoked, since the progress was read: this page's packages must not stay. The
                // next step reads the progress again and stops, ending a revoked message's
                // planning as a step that read it revoked does
                transaction.setRollbackOnly();
                return true;
            }
            support.published(progress.lane());
        }
        if (recipients.size() < pageSize) {
            if (!finish(message, owner)) {
                transaction.setRollbackOnly();
            }
            return false;
        }
        return true;
    }

    /** Ends planning; false when it had already ended or moved to another planner. */
    private boolean finish(Message message, String owner) {
        UUID id = message.id();
        Optional<MessageStatus> ended = plans.finishPlanning(id, owner);
        if (ended.isEmpty()) {
            return false;
        }
        MessageStatus status = ended.get();
        Message planned = messages.find(id).orElseThrow();
        if (message.audience() instanceof Audience.SegmentAudience) {
            // why: a broadcast stored once reaches every targeted inbox the moment it is published
            message.channels().stream()
                    .filter(channels::storedOnceForSegments)
                    .forEach(channel ->
                            support.counters().add(id, Counters.DELIVERED_PREFIX + channel, planned.targeted()));
        }
        support.log().record(id, null, "PLANNED", planned(planned.targeted(), planned.packagesTotal()));
        if (status != MessageStatus.SENDING) {
            support.log().record(id, null, status.name(), null);
        }
        log.info("Planned message {}: {} recipients, {} packages", id, planned.targeted(), planned.packagesTotal());
        return true;
    }

    /** The detail of a PLANNED event. */
    static String planned(long targeted, int packages) {
        return "targeted " + targeted + ", packages " + packages;
    }
}
