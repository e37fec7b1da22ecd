package dev.messagecenter.message;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.trace.LifecycleLog;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Operator commands on an existing message: edit, send, cancel, revoke. Each one locks the
 * message row, so a command and the planner never act on a stale status. An illegal transition
 * is a 409 problem; an edit, or a draft sent, that breaks a rule of new messages is a 400 problem.
 */
@Component
public class MessageLifecycle {

    private static final MessageRequest UNCHANGED =
            new MessageRequest(null, null, null, null, null, null, null, null, null, null, null, null);

    private final MessageStore messages;
    private final MessageDrafts drafts;
    private final LifecycleLog log;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;

    MessageLifecycle(
            MessageStore messages,
            MessageDrafts drafts,
            LifecycleLog log,
            TransactionTemplate transaction,
            ApplicationEventPublisher events) {
        this.messages = messages;
        this.drafts = drafts;
        this.log = log;
        this.transaction = transaction;
        this.events = events;
    }

    public Message edit(UUID id, MessageRequest patch) {
        return transaction.execute(status -> {
            Message current = locked(id);
            if (!current.status().editable() || current.publishedAt() != null) {
                throw conflict(current, "edit");
            }
            MessageDraft merged = drafts.check(merge(current, patch), Instant.now());
            messages.replace(id, merged);
            log.record(id, null, "EDITED", null);
            Message edited = messages.find(id).orElseThrow();
            if (edited.status() == MessageStatus.SCHEDULED) {
                events.publishEvent(new MessageScheduled(id, edited.lane(), edited.sendAt()));
            }
            return edited;
        });
    }

    public Message send(UUID id) {
        return transaction.execute(status -> {
            Message current = locked(id);
            if (current.status() != MessageStatus.DRAFT) {
                throw conflict(current, "send");
            }
            Instant now = Instant.now();
            // why: the draft was checked when it was saved; what goes out must pass the rules now
            drafts.check(merge(current, UNCHANGED), now);
            if (current.sendAt() == null) {
                messages.replace(id, current.draft().withSendAt(now));
            }
            messages.transition(id, MessageStatus.DRAFT, MessageStatus.SCHEDULED);
            log.record(id, null, "SCHEDULED", null);
            Message scheduled = messages.find(id).orElseThrow();
            events.publishEvent(new MessageScheduled(id, scheduled.lane(), scheduled.sendAt()));
            return scheduled;
        });
    }

    public Message cancel(UUID id) {
        return move(id, MessageStatus.CANCELED, "cancel");
    }

    public Message revoke(UUID id) {
        return transaction.execute(status -> {
            Message current = locked(id);
            if (!current.status().canBecome(MessageStatus.REVOKED)) {
                throw conflict(current, "revoke");
            }
            messages.transition(id, current.status(), MessageStatus.REVOKED);
            events.publishEvent(new MessageRevoked(id));
            log.record(id, null, "REVOKED", null);
            return messages.find(id).orElseThrow();
        });
    }

    private Message move(UUID id, MessageStatus target, String verb) {
        return transaction.execute(status -> {
            Message current = locked(id);
            if (!current.status().canBecome(target) || current.publishedAt() != null) {
                throw conflict(current, verb);
            }
            messages.transition(id, current.status(), target);
            log.record(id, null, target.name(), null);
            return messages.find(id).orElseThrow();
        });
    }

    private Message locked(UUID id) {
        return messages.lock(id).orElseThrow(() -> ApiProblem.notFound("Message " + id));
    }

    private static ApiProblem conflict(Message message, String verb) {
        return new ApiProblem(ProblemType.CONFLICT, "Cannot " + verb + " a message that is " + message.status());
    }

    /** The stored message with the fields the patch sets replaced. */
    private static MessageRequest merge(Message current, MessageRequest patch) {
        MessageRequest.AudienceRequest audience = patch.audience() != null ? patch.audience() : audienceOf(current);
        return new MessageRequest(
                patch.title() != null ? patch.title() : current.title(),
                patch.body() != null ? patch.body() : current.body(),
                patch.category() != null ? patch.category() : current.category(),
                audience,
                patch.channels() != null ? patch.channels() : current.channels(),
                patch.pinned() != null ? patch.pinned() : current.pinned(),
                patch.forceRead() != null ? patch.forceRead() : current.forceRead(),
                patch.validFrom() != null ? patch.validFrom() : current.validFrom(),
                patch.validUntil() != null ? patch.validUntil() : current.validUntil(),
                patch.sendAt() != null ? patch.sendAt() : current.sendAt(),
                null,
                patch.lane() != null ? patch.lane() : current.lane());
    }

    private static MessageRequest.AudienceRequest audienceOf(Message message) {
        return switch (message.audience()) {
            case Audience.SegmentAudience(var segment) ->
                new MessageRequest.AudienceRequest(
                        null,
                        null,
                        List.copyOf(segment.kinds()),
                        List.copyOf(segment.cities()),
                        List.copyOf(segment.tags()));
            case Audience.ListAudience(var audienceId, var size) ->
                new MessageRequest.AudienceRequest(null, audienceId, null, null, null);
        };
    }
}
