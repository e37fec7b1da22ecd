package dev.messagecenter.recipient;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bulk import tuning: rows per set-based write, batches written at once, the longest accepted
 * line, errors reported back.
 */
@ConfigurationProperties("messagecenter.recipients.import")
public record ImportProperties(
        @DefaultValue("5000") int batchSize,
        @DefaultValue("2") int writers,
        @DefaultValue("16384") int maxLineLength,
        @DefaultValue("100") int maxErrorsReported) {

    public ImportProperties {
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("messagecenter.recipients.import.batch-size must be 1..100000");
        }
        if (writers < 1 || writers > 8) {
            throw new IllegalArgumentException("messagecenter.recipients.import.writers must be 1..8");
        }
    }
}
