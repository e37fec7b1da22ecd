package dev.messagecenter.message;

import dev.messagecenter.recipient.Segment;
import java.util.UUID;

/** Who a message is for: a segment predicate, stored once, or an explicit recipient list. */
public sealed interface Audience {

    record SegmentAudience(Segment segment) implements Audience {}

    record ListAudience(UUID audienceId, long size) implements Audience {}
}
