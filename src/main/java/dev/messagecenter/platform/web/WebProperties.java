package dev.messagecenter.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on request bodies. JSON bodies are small; streamed uploads (NDJSON, CSV, plain id lists)
 * are read line by line and may be large.
 */
@ConfigurationProperties("messagecenter.web")
public record WebProperties(
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("4GB") DataSize maxUploadSize) {}
