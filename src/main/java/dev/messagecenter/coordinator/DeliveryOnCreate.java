package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.message.Audience;
import dev.messagecenter.message.ImmediateSend;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageDraft;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.trace.LifecycleLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers a direct send in the transaction that creates it, when nothing about it needs the
 * planner or the queue: due now, a list of at most one page of recipients, and only channels that
 * deliver in a transaction (the inbox). The message is stored {@code SENT} and its packages done,
 * each row written once, where the scheduled way writes the message three times and each package
 * three times across the create, the planning and the delivery. The lifecycle log tells the same
 * story either way, from {@code CREATED} to {@code SENT}. Everything else, and anything that fails
 * here, goes the scheduled way.
 */
@Component
class DeliveryOnCreate implements ImmediateSend {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOnCreate.class);

    private final PlanningSupport support;
    private final PlanStore plans;
    private final PackageStore packages;
    private final MessageStore messages;
    private final ChannelRegistry channels;

    DeliveryOnCreate(
            PlanningSupport support,
            PlanStore plans,
            PackageStore packages,
            MessageStore messages,
            ChannelRegistry channels) {
        this.support = support;
        this.plans = plans;
        this.packages = packages;
        this.messages = messages;
        this.channels = channels;
    }

    @Override
    public Optional<Message> sendNow(UUID id, MessageDraft draft) {
        CoordinatorProperties properties = support.properties();
        if (!properties.deliverOnCreate()
                || !(draft.audience() instanceof Audience.ListAudience(UUID audienceId, long size))
                || size > properties.pageSize()
                || draft.sendAt() == null
                || draft.sendAt().isAfter(Instant.now())
                || !draft.channels().stream().allMatch(channels::deliversInTransaction)) {
            return Optional.empty();
        }
        Message sent;
        try {
            sent = support.savepoint().execute(status -> deliver(id, draft, audienceId));
        } catch (RuntimeException e) {
            log.warn("Delivering message {} on create failed ({}); it is scheduled instead", id, e.toString());
            return Optional.empty();
        }
        if (sent == null) {
            return Optional.empty();
        }
        // why: after the savepoint, once nothing here can fail: counters are held until the commit,
        // so an addition made before a rollback to the savepoint would still be written
        for (String channel : sent.channels()) {
            support.counters().add(id, Counters.DELIVERED_PREFIX + channel, sent.targeted());
        }
        return Optional.of(sent);
    }

    /** The message stored sent, or null (nothing stored) when it has no active recipient. */
    private Message deliver(UUID id, MessageDraft draft, UUID audienceId) {
        List<String> recipients =
                plans.listPage(audienceId, "", support.properties().pageSize());
        if (recipients.isEmpty()) {
            // why: the planner ends such a message SENT with nothing sent, and says so in its log
            return null;
        }
        int packageCount = draft.channels().size();
        Message message = messages.insertSent(id, draft, recipients.size(), packageCount);
        DeliveryPackage.Content content = new DeliveryPackage.Content(
                draft.title(), draft.body(), draft.category(), draft.pinned(), draft.forceRead());
        List<LifecycleLog.Entry> events = new ArrayList<>();
        events.add(new LifecycleLog.Entry(id, null, "CREATED", MessageStatus.SCHEDULED.name()));
        events.add(new LifecycleLog.Entry(id, null, "SENDING", null));
        events.add(
                new LifecycleLog.Entry(id, null, "PLANNED", BroadcastPlanner.planned(recipients.size(), packageCount)));
        int seq = 0;
        for (String channel : draft.channels()) {
            ChannelSender sender = channels.sender(channel).orElseThrow();
            // why: stored done first, so that the sender is handed a package that exists; a result
            // other than all of them delivered rolls all of it back to the savepoint
            long packageId = packages.insertDone(id, channel, draft.lane(), seq++, recipients, recipients.size());
            DeliveryResult result = sender.deliver(new DeliveryPackage(packageId, id, channel, 1, recipients, content));
            if (!(result instanceof DeliveryResult.Delivered(int delivered, int failed))
                    || delivered != recipients.size()
                    || failed != 0) {
                throw new IllegalStateException(channel + " did not deliver to every recipient: " + result);
            }
            events.add(new LifecycleLog.Entry(
                    id, packageId, "PACKAGE_DONE", PackageWorker.doneDetail(channel, delivered, failed)));
        }
        events.add(new LifecycleLog.Entry(id, null, MessageStatus.SENT.name(), null));
        support.log().recordAll(events);
        return message;
    }
}
