package dev.messagecenter.inbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Messages written straight into the database, as the sending pipeline leaves them, so inbox tests
 * do not depend on planning and delivery: {@code aBroadcast().toKinds("rider").inCities(city)
 * .pinned().insert(jdbc)}.
 */
final class TestMessages {

    private final UUID id = UUID.randomUUID();
    private final String audienceType;
    private final List<String> recipients = new ArrayList<>();
    private String title = "Title " + id;
    private String status = "SENT";
    private List<String> kinds = List.of();
    private List<String> cities = List.of();
    private List<String> tags = List.of();
    private List<String> channels = List.of("INBOX");
    private boolean pinned;
    private boolean forceRead;
    private @Nullable Instant publishedAt = Instant.now();
    private @Nullable Instant validFrom;
    private @Nullable Instant validUntil;

    private TestMessages(String audienceType) {
        this.audienceType = audienceType;
    }

    /** A segment broadcast, stored once; everyone matching it sees it. */
    static TestMessages aBroadcast() {
        return new TestMessages("segment");
    }

    /** A message to an explicit list, delivered as one inbox entry per recipient. */
    static TestMessages aListMessage(String... recipientIds) {
        TestMessages message = new TestMessages("list");
        message.recipients.addAll(List.of(recipientIds));
        return message;
    }

    TestMessages titled(String title) {
        this.title = title;
        return this;
    }

    TestMessages toKinds(String... kinds) {
        this.kinds = List.of(kinds);
        return this;
    }

    TestMessages inCities(String... cities) {
        this.cities = List.of(cities);
        return this;
    }

    TestMessages withTags(String... tags) {
        this.tags = List.of(tags);
        return this;
    }

    TestMessages onChannels(String... channels) {
        this.channels = List.of(channels);
        return this;
    }

    /** Also delivered explicitly to these recipients (an inbox entry each), whatever the audience. */
    TestMessages withEntriesFor(String... recipientIds) {
        recipients.addAll(List.of(recipientIds));
        return this;
    }

    TestMessages pinned() {
        this.pinned = true;
        return this;
    }

    TestMessages forceRead() {
        this.forceRead = true;
        return this;
    }

    TestMessages status(String status) {
        this.status = status;
        return this;
    }

    TestMessages publishedAt(@Nullable Instant publishedAt) {
        this.publishedAt = publishedAt;
        return this;
    }

    TestMessages validFrom(Instant validFrom) {
        this.validFrom = validFrom;
        return this;
    }

    TestMessages validUntil(Instant validUntil) {
        this.validUntil = validUntil;
        return this;
    }

    /** Writes the message (and its inbox entries) and returns its id. */
    UUID insert(JdbcClient jdbc) {
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, segment_kinds, segment_cities,
                            segment_tags, channels, pinned, force_read, valid_from, valid_until, lane, status,
                            published_at)
                        values (:id, :title, :body, 'ops', :audienceType, :kinds, :cities, :tags, :channels,
                            :pinned, :forceRead, :validFrom, :validUntil, 'bulk', :status, :publishedAt)
                        """)
                .param("id", id)
                .param("title", title)
                .param("body", "Body of " + title)
                .param("audienceType", audienceType)
                .param("kinds", kinds.toArray(String[]::new))
                .param("cities", cities.toArray(String[]::new))
                .param("tags", tags.toArray(String[]::new))
                .param("channels", channels.toArray(String[]::new))
                .param("pinned", pinned)
                .param("forceRead", forceRead)
                .param("validFrom", timestamp(validFrom))
                .param("validUntil", timestamp(validUntil))
                .param("status", status)
                .param("publishedAt", timestamp(publishedAt))
                .update();
        if (!recipients.isEmpty()) {
            jdbc.sql("""
                            insert into inbox_entries (recipient_id, message_id)
                            select unnest(cast(:recipients as text[])), :id
                            """)
                    .param("recipients", recipients.toArray(String[]::new))
                    .param("id", id)
                    .update();
        }
        return id;
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
