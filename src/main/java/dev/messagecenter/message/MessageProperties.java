package dev.messagecenter.message;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Message limits. Lists up to {@code maxInlineRecipients} go inline; bigger ones are uploaded to
 * {@code /api/v1/audiences}. Lists up to {@code directLaneMaxRecipients} take the direct lane.
 */
@ConfigurationProperties("messagecenter.messages")
public record MessageProperties(
        @DefaultValue("10000") int maxInlineRecipients,
        @DefaultValue("1000") int directLaneMaxRecipients,
        @DefaultValue("10000000") long maxAudienceUpload,
        @DefaultValue("200") int maxTitleLength,
        @DefaultValue("10000") int maxBodyLength,
        @DefaultValue("365d") Duration maxScheduleAhead,
        @DefaultValue("24h") Duration idempotencyKeyRetention) {}
