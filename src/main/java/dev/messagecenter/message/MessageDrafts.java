package dev.messagecenter.message;

import dev.messagecenter.delivery.ChannelRegistry;
import dev.messagecenter.platform.problem.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Turns a request into a storable draft: validates it, stores an inline recipient list as an
 * audience, checks an uploaded audience exists, and picks the lane. Joins the caller's transaction.
 */
@Component
@EnableConfigurationProperties(MessageProperties.class)
class MessageDrafts {

    private final ChannelRegistry channels;
    private final AudienceStore audiences;
    private final MessageProperties limits;

    MessageDrafts(ChannelRegistry channels, AudienceStore audiences, MessageProperties limits) {
        this.channels = channels;
        this.audiences = audiences;
        this.limits = limits;
    }

    MessageDraft check(MessageRequest request, Instant now) {
        return draft(rules(request, now));
    }

    /** The request checked against the rules of new messages; stores nothing. */
    MessageRules.Checked rules(MessageRequest request, Instant now) {
        return MessageRules.check(request, channels.channels(), limits, now);
    }

    /** Checked requests with inline lists, their lists stored together. */
    List<MessageDraft> inlineDrafts(List<MessageRules.Checked> checked) {
        List<List<String>> lists = checked.stream()
                .map(c -> c.audience() instanceof MessageRules.AudienceSpec.Inline(var ids) ? ids : rejectNotInline())
                .toList();
        List<UUID> ids = audiences.createAll(lists);
        List<MessageDraft> drafts = new ArrayList<>(checked.size());
        for (int i = 0; i < checked.size(); i++) {
            drafts.add(draft(
                    checked.get(i),
                    new Audience.ListAudience(ids.get(i), lists.get(i).size())));
        }
        return drafts;
    }

    private MessageDraft draft(MessageRules.Checked checked) {
        Audience audience = switch (checked.audience()) {
            case MessageRules.AudienceSpec.OfSegment(var segment) -> new Audience.SegmentAudience(segment);
            case MessageRules.AudienceSpec.Inline(var ids) ->
                new Audience.ListAudience(audiences.create(ids), ids.size());
            case MessageRules.AudienceSpec.Uploaded(var id) -> new Audience.ListAudience(id, uploadedSize(id));
        };
        return draft(checked, audience);
    }

    private MessageDraft draft(MessageRules.Checked checked, Audience audience) {
        Lane lane = checked.lane() != null ? checked.lane() : defaultLane(audience);
        return new MessageDraft(
                checked.title(),
                checked.body(),
                checked.category(),
                audience,
                checked.channels(),
                checked.pinned(),
                checked.forceRead(),
                checked.validFrom(),
                checked.validUntil(),
                checked.sendAt(),
                lane);
    }

    private static List<String> rejectNotInline() {
        throw new IllegalArgumentException("only requests with an inline recipient list are drafted together");
    }

    private long uploadedSize(UUID audienceId) {
        long size = audiences
                .size(audienceId)
                .orElseThrow(() -> ApiProblem.invalid("audience.audienceId", "no uploaded audience has this id"));
        // why: a message to nobody is refused, as an empty inline list is; a list stored before empty
        // uploads were refused can be empty
        if (size == 0) {
            throw ApiProblem.invalid("audience.audienceId", "the uploaded audience is empty");
        }
        return size;
    }

    private Lane defaultLane(Audience audience) {
        return switch (audience) {
            case Audience.SegmentAudience segment -> Lane.BULK;
            case Audience.ListAudience list ->
                list.size() <= limits.directLaneMaxRecipients() ? Lane.DIRECT : Lane.BULK;
        };
    }
}
