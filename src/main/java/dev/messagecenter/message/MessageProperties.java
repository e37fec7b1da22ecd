package dev.messagecenter.message;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Message limits. Lists up to {@code maxInlineRecipients} go inline; bigger ones are uploaded to
 * {@code /api/v1/audiences}. Lists up to {@code directLaneMaxRecipients} take the direct lane.
 * {@code groupCommit} shares the transactions of concurrent creates.
 */
@ConfigurationProperties("messagecenter.messages")
public record MessageProperties(
        @DefaultValue("10000") int maxInlineRecipients,
        @DefaultValue("1000") int directLaneMaxRecipients,
        @DefaultValue("10000000") long maxAudienceUpload,
        @DefaultValue("200") int maxTitleLength,
        @DefaultValue("10000") int maxBodyLength,
        @DefaultValue("365d") Duration maxScheduleAhead,
        @DefaultValue("24h") Duration idempotencyKeyRetention,
        @DefaultValue GroupCommitSettings groupCommit) {

    /**
     * Creates sent to an inline list without an {@code Idempotency-Key} are stored together: up to
     * {@code maxBatch} of those waiting at once, in one transaction, by each of {@code writers}
     * threads. Each is answered when its group has committed.
     */
    public record GroupCommitSettings(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") int writers,
            @DefaultValue("64") int maxBatch) {}
}
