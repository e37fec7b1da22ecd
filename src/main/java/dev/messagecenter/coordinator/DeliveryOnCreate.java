package dev.messagecenter.coordinator;

import dev.messagecenter.delivery.ChannelRegistry;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        if (!qualifies(draft)) {
            return Optional.empty();
        }
        try {
            return Objects.requireNonNull(support.savepoint()
                    .execute(status ->
                            sendAllNow(List.of(new NewMessage(id, draft))).getFirst()));
        } catch (RuntimeException e) {
            log.warn("Delivering message {} on create failed ({}); it is scheduled instead", id, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<Optional<Message>> sendAllNow(List<NewMessage> candidates) {
        List<Optional<Message>> answers = new ArrayList<>(Collections.nCopies(candidates.size(), Optional.empty()));
        List<Integer> chosen = new ArrayList<>();
        List<UUID> audiences = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (qualifies(candidates.get(i).draft())) {
                chosen.add(i);
                audiences.add(audienceOf(candidates.get(i).draft()));
            }
        }
        if (chosen.isEmpty()) {
            return answers;
        }
        Map<UUID, List<String>> members = plans.smallLists(audiences);
        List<Integer> sent = new ArrayList<>();
        List<MessageStore.Sent> rows = new ArrayList<>();
        List<PackageStore.DeliveredPackage> done = new ArrayList<>();
        for (int i : chosen) {
            NewMessage candidate = candidates.get(i);
            List<String> recipients = members.get(audienceOf(candidate.draft()));
            if (recipients == null) {
                // why: the planner ends a message with no active recipient SENT with nothing sent,
                // and says so in its log
                continue;
            }
            MessageDraft draft = candidate.draft();
            sent.add(i);
            rows.add(new MessageStore.Sent(
                    candidate.id(), draft, recipients.size(), draft.channels().size()));
            int seq = 0;
            for (String channel : draft.channels()) {
                done.add(new PackageStore.DeliveredPackage(candidate.id(), channel, draft.lane(), seq++, recipients));
            }
        }
        if (sent.isEmpty()) {
            return answers;
        }
        List<Message> stored = messages.insertSentAll(rows);
        // why: stored done first, so that the senders are handed packages that exist; a result other
        // than all of them delivered throws, and the caller's transaction stores none of it
        List<Long> packageIds = packages.insertDoneAll(done);
        Map<String, List<DeliveryPackage>> byChannel = new LinkedHashMap<>();
        Map<UUID, DeliveryPackage.Content> contents = new HashMap<>();
        for (MessageStore.Sent row : rows) {
            MessageDraft d = row.draft();
            contents.put(
                    row.id(),
                    new DeliveryPackage.Content(d.title(), d.body(), d.category(), d.pinned(), d.forceRead()));
        }
        for (int p = 0; p < done.size(); p++) {
            PackageStore.DeliveredPackage pkg = done.get(p);
            byChannel
                    .computeIfAbsent(pkg.channel(), c -> new ArrayList<>())
                    .add(new DeliveryPackage(
                            packageIds.get(p),
                            pkg.messageId(),
                            pkg.channel(),
                            1,
                            pkg.recipients(),
                            Objects.requireNonNull(contents.get(pkg.messageId()))));
        }
        Map<Long, String> doneDetails = new HashMap<>();
        for (Map.Entry<String, List<DeliveryPackage>> channel : byChannel.entrySet()) {
            List<DeliveryPackage> work = channel.getValue();
            List<DeliveryResult> results =
                    channels.sender(channel.getKey()).orElseThrow().deliverAll(work);
            for (int w = 0; w < work.size(); w++) {
                DeliveryPackage pkg = work.get(w);
                if (!(results.get(w) instanceof DeliveryResult.Delivered(int delivered, int failed))
                        || delivered != pkg.recipients().size()
                        || failed != 0) {
                    throw new IllegalStateException(
                            pkg.channel() + " did not deliver to every recipient: " + results.get(w));
                }
                doneDetails.put(pkg.packageId(), PackageWorker.doneDetail(pkg.channel(), delivered, failed));
            }
        }
        List<LifecycleLog.Entry> events = new ArrayList<>();
        int p = 0;
        for (MessageStore.Sent row : rows) {
            UUID id = row.id();
            events.add(new LifecycleLog.Entry(id, null, "CREATED", MessageStatus.SCHEDULED.name()));
            events.add(new LifecycleLog.Entry(id, null, "SENDING", null));
            events.add(new LifecycleLog.Entry(
                    id, null, "PLANNED", BroadcastPlanner.planned(row.targeted(), row.packages())));
            for (int c = 0; c < row.packages(); c++, p++) {
                long packageId = packageIds.get(p);
                events.add(new LifecycleLog.Entry(id, packageId, "PACKAGE_DONE", doneDetails.get(packageId)));
            }
            events.add(new LifecycleLog.Entry(id, null, MessageStatus.SENT.name(), null));
        }
        support.log().recordAll(events);
        // why: last, once nothing here can fail: counters are held until the commit, so an addition
        // made before a rollback to a savepoint would still be written
        for (MessageStore.Sent row : rows) {
            for (String channel : row.draft().channels()) {
                support.counters().addToCreatedFinished(row.id(), Counters.DELIVERED_PREFIX + channel, row.targeted());
            }
        }
        for (int k = 0; k < sent.size(); k++) {
            answers.set(sent.get(k), Optional.of(stored.get(k)));
        }
        return answers;
    }

    private boolean qualifies(MessageDraft draft) {
        CoordinatorProperties properties = support.properties();
        return properties.deliverOnCreate()
                && draft.audience() instanceof Audience.ListAudience(UUID audienceId, long size)
                && size <= properties.pageSize()
                && draft.sendAt() != null
                && !draft.sendAt().isAfter(Instant.now())
                && draft.channels().stream().allMatch(channels::deliversInTransaction);
    }

    private static UUID audienceOf(MessageDraft draft) {
        return ((Audience.ListAudience) draft.audience()).audienceId();
    }
}
