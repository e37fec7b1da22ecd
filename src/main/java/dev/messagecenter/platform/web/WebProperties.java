package dev.messagecenter.platform.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on requests. JSON bodies are small; streamed uploads (NDJSON, CSV, plain id lists) are
 * read line by line and may be large. At most {@code maxConcurrentRequests} API requests run at a
 * time (the rest wait in arrival order for up to {@code admissionTimeout}), so that a flood of
 * reads never takes the database connections the delivery pipeline needs.
 */
@ConfigurationProperties("messagecenter.web")
public record WebProperties(
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("4GB") DataSize maxUploadSize,
        @DefaultValue("8") int maxConcurrentRequests,
        @DefaultValue("5s") Duration admissionTimeout) {

    public WebProperties {
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("messagecenter.web.max-concurrent-requests must be at least 1");
        }
    }
}
