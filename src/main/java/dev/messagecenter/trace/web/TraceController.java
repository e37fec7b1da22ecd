package dev.messagecenter.trace.web;

import dev.messagecenter.coordinator.DeliveryPackageRecord;
import dev.messagecenter.coordinator.PackageState;
import dev.messagecenter.coordinator.PackageStore;
import dev.messagecenter.message.Audience;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.recipient.PushToken;
import dev.messagecenter.recipient.Recipient;
import dev.messagecenter.recipient.RecipientDirectory;
import dev.messagecenter.recipient.RecipientRules;
import dev.messagecenter.trace.LifecycleEvent;
import dev.messagecenter.trace.LifecycleLog;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** "What happened to message M" and "did recipient R get M, on which channel, when". */
@RestController
class TraceController {

    static final int MAX_EVENTS = 1000;

    private final LifecycleLog log;
    private final MessageStore messages;
    private final PackageStore packages;
    private final RecipientDirectory directory;
    private final JdbcClient jdbc;

    TraceController(
            LifecycleLog log,
            MessageStore messages,
            PackageStore packages,
            RecipientDirectory directory,
            JdbcClient jdbc) {
        this.log = log;
        this.messages = messages;
        this.packages = packages;
        this.directory = directory;
        this.jdbc = jdbc;
    }

    record EventList(List<LifecycleEvent> items, @Nullable Long nextCursor) {}

    /**
     * The recipient's delivery on one channel. {@code deliveredAt} is set only when it reached the
     * recipient: a done package whose recipient got nothing on it (inactive, no push device, every
     * token refused) has none, and {@code detail} says why.
     */
    record ChannelDelivery(
            String channel,
            long packageId,
            PackageState state,
            @Nullable Instant deliveredAt,
            @Nullable String error,
            @Nullable String detail) {

        static ChannelDelivery reached(DeliveryPackageRecord p, Instant at) {
            return new ChannelDelivery(p.channel(), p.id(), p.state(), at, p.lastError(), null);
        }

        static ChannelDelivery notReached(DeliveryPackageRecord p, @Nullable String why) {
            return new ChannelDelivery(p.channel(), p.id(), p.state(), null, p.lastError(), why);
        }
    }

    record RecipientTrace(
            String recipientId,
            UUID messageId,
            boolean targeted,
            String how,
            List<ChannelDelivery> channels,
            @Nullable Instant readAt,
            @Nullable Instant ackedAt) {}

    @GetMapping("/api/v1/messages/{id}/events")
    EventList events(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "0") long cursor,
            @RequestParam(defaultValue = "200") int limit) {
        if (limit < 1 || limit > MAX_EVENTS) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_EVENTS);
        }
        messages.find(id).orElseThrow(() -> ApiProblem.notFound("Message " + id));
        List<LifecycleEvent> events = log.events(id, cursor, limit);
        return new EventList(events, events.size() == limit ? events.getLast().id() : null);
    }

    @GetMapping("/api/v1/recipients/{recipientId}/messages/{messageId}/trace")
    RecipientTrace trace(@PathVariable String recipientId, @PathVariable UUID messageId) {
        RecipientRules.requireId(recipientId, "recipientId");
        Message message = messages.find(messageId).orElseThrow(() -> ApiProblem.notFound("Message " + messageId));
        Recipient recipient =
                directory.find(recipientId).orElseThrow(() -> ApiProblem.notFound("Recipient " + recipientId));
        List<ChannelDelivery> deliveries = new ArrayList<>();
        for (DeliveryPackageRecord p : packages.containing(messageId, recipientId)) {
            deliveries.add(p.state() == PackageState.DONE ? done(p, recipient) : ChannelDelivery.notReached(p, null));
        }
        String how;
        boolean targeted;
        if (message.audience() instanceof Audience.SegmentAudience(var segment)) {
            targeted = !deliveries.isEmpty() || segment.matches(recipient);
            how = "segment";
            if (targeted && message.publishedAt() != null && message.channels().contains("INBOX")) {
                deliveries.add(new ChannelDelivery("INBOX", 0, PackageState.DONE, message.publishedAt(), null, null));
            }
        } else {
            targeted = !deliveries.isEmpty();
            how = "list";
        }
        var reads = jdbc.sql("select read_at, acked_at from inbox_reads where recipient_id = :r and message_id = :m")
                .param("r", recipientId)
                .param("m", messageId)
                .query((rs, row) -> new Instant[] {
                    rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant(),
                    rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()
                })
                .optional()
                .orElse(new Instant[2]);
        return new RecipientTrace(recipientId, messageId, targeted, how, deliveries, reads[0], reads[1]);
    }

    /**
     * What a done package did for this recipient: an inbox package wrote an entry or not (it skips
     * recipients inactive at the time); a push package reached the recipient unless it was inactive,
     * had no device, or had only tokens the gateway had refused by then.
     */
    private ChannelDelivery done(DeliveryPackageRecord p, Recipient recipient) {
        if (p.channel().equals("INBOX")) {
            return jdbc.sql("select delivered_at from inbox_entries where recipient_id = :r and message_id = :m")
                    .param("r", recipient.id())
                    .param("m", p.messageId())
                    .query((rs, row) -> rs.getTimestamp(1).toInstant())
                    .optional()
                    .map(at -> ChannelDelivery.reached(p, at))
                    .orElseGet(() -> ChannelDelivery.notReached(p, "no inbox entry: the recipient was inactive"));
        }
        if (!recipient.active()) {
            return ChannelDelivery.notReached(p, "the recipient is inactive");
        }
        if (p.channel().equals("PUSH")) {
            List<String> tokens =
                    recipient.channels().push().stream().map(PushToken::token).toList();
            if (tokens.isEmpty()) {
                return ChannelDelivery.notReached(p, "the recipient has no push device");
            }
            long refused = jdbc.sql("""
                            select count(*) from dead_push_tokens
                            where token = any(:tokens) and marked_at <= :done
                            """)
                    .param("tokens", tokens.toArray(String[]::new))
                    .param("done", Timestamp.from(p.updatedAt()))
                    .query(Long.class)
                    .single();
            if (refused == tokens.size()) {
                return ChannelDelivery.notReached(p, "the gateway had refused every device token as invalid");
            }
        }
        return ChannelDelivery.reached(p, p.updatedAt());
    }
}
