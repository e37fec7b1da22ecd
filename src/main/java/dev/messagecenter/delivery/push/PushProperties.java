package dev.messagecenter.delivery.push;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The push gateway: where it is, how we authenticate, how long we wait, how many tokens one
 * request carries.
 *
 * <p>{@code authHeader} is one header as {@code "Name: value"} (for example {@code
 * "Authorization: Bearer s3cr3t"}), sent with every request; empty sends none. It is one string
 * so that a single secret ({@code MC_PUSH_AUTH_HEADER}) configures it, and it is left out of
 * {@link #toString()} so that logging the configuration never prints it.
 */
@ConfigurationProperties("messagecenter.push")
public record PushProperties(
        @DefaultValue("http://localhost:8099") String baseUrl,
        @DefaultValue("") String authHeader,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("500") int maxTokensPerRequest) {

    public PushProperties {
        if (baseUrl.isBlank()) {
            throw new IllegalArgumentException("messagecenter.push.base-url must not be empty");
        }
        if (!authHeader.isBlank() && authHeader.indexOf(':') < 1) {
            // why: the message names the expected shape, never the value, which holds a secret
            throw new IllegalArgumentException("messagecenter.push.auth-header must look like 'Name: value'");
        }
        if (maxTokensPerRequest < 1) {
            throw new IllegalArgumentException("messagecenter.push.max-tokens-per-request must be at least 1");
        }
    }

    @Override
    public String toString() {
        return "PushProperties[baseUrl=" + baseUrl + ", authHeader=" + (authHeader.isBlank() ? "" : "<set>")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxTokensPerRequest=" + maxTokensPerRequest + "]";
    }
}
