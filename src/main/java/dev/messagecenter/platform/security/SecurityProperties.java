package dev.messagecenter.platform.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security settings. {@code adminKey} seeds the first admin API key. Receiver tokens are HS256
 * JWTs signed with {@code receiver.jwtSecret} (generated and stored in the database when unset),
 * or tokens from the platform's own identity server verified through {@code receiver.jwksUrl}.
 */
@ConfigurationProperties("messagecenter.security")
public record SecurityProperties(String adminKey, Receiver receiver) {

    public SecurityProperties {
        adminKey = adminKey == null ? "" : adminKey.trim();
        receiver = receiver == null
                ? new Receiver("", "", "message-center", Duration.ofHours(1), Duration.ofHours(24))
                : receiver;
    }

    public record Receiver(
            String jwtSecret,
            String jwksUrl,
            @DefaultValue("message-center") String issuer,
            @DefaultValue("1h") Duration defaultTokenTtl,
            @DefaultValue("24h") Duration maxTokenTtl) {

        public Receiver {
            jwtSecret = jwtSecret == null ? "" : jwtSecret;
            jwksUrl = jwksUrl == null ? "" : jwksUrl.trim();
            issuer = issuer == null ? "" : issuer.trim();
        }
    }
}
