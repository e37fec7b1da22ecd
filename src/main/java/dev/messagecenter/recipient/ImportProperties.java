package dev.messagecenter.recipient;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Bulk import tuning: rows per set-based write, the longest accepted line, errors reported back. */
@ConfigurationProperties("messagecenter.recipients.import")
public record ImportProperties(
        @DefaultValue("5000") int batchSize,
        @DefaultValue("16384") int maxLineLength,
        @DefaultValue("100") int maxErrorsReported) {}
