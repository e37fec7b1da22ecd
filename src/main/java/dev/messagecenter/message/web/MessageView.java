package dev.messagecenter.message.web;

import dev.messagecenter.message.Audience;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A message as the API shows it. */
record MessageView(
        UUID id,
        String title,
        String body,
        String category,
        Map<String, Object> audience,
        List<String> channels,
        boolean pinned,
        boolean forceRead,
        @Nullable Instant validFrom,
        @Nullable Instant validUntil,
        @Nullable Instant sendAt,
        Lane lane,
        MessageStatus status,
        long targeted,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant publishedAt,
        @Nullable Instant finishedAt) {

    static MessageView of(Message m) {
        Map<String, Object> audience = new LinkedHashMap<>();
        switch (m.audience()) {
            case Audience.SegmentAudience(var segment) -> {
                audience.put("kinds", segment.kinds());
                audience.put("cities", segment.cities());
                audience.put("tags", segment.tags());
            }
            case Audience.ListAudience(var id, var size) -> {
                audience.put("audienceId", id);
                audience.put("size", size);
            }
        }
        return new MessageView(
                m.id(),
                m.title(),
                m.body(),
                m.category(),
                audience,
                m.channels(),
                m.pinned(),
                m.forceRead(),
                m.validFrom(),
                m.validUntil(),
                m.sendAt(),
                m.lane(),
                m.status(),
                m.targeted(),
                m.createdAt(),
                m.updatedAt(),
                m.publishedAt(),
                m.finishedAt());
    }
}
