package dev.messagecenter.platform.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Receiver tokens: HS256 with a shared secret (configured, or generated once and kept in the
 * database so that every instance and every restart agrees), or verified against a JWKS URL.
 */
@Configuration(proxyBeanMethods = false)
class ReceiverTokenConfiguration {

    static final String SECRET_SETTING = "receiver-jwt-secret";
    static final int MIN_SECRET_BYTES = 32;

    /** Verified receiver tokens kept in memory until they expire (see {@link RememberingJwtDecoder}). */
    static final int REMEMBERED_TOKENS = 10_000;

    @Bean
    JwtDecoder receiverJwtDecoder(SecurityProperties properties, JdbcClient jdbc) {
        SecurityProperties.Receiver receiver = properties.receiver();
        NimbusJwtDecoder decoder = receiver.jwksUrl().isEmpty()
                ? NimbusJwtDecoder.withSecretKey(secretKey(receiver, jdbc))
                        .macAlgorithm(MacAlgorithm.HS256)
                        .build()
                : NimbusJwtDecoder.withJwkSetUri(receiver.jwksUrl()).build();
        OAuth2TokenValidator<Jwt> validator = receiver.issuer().isEmpty()
                ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(receiver.issuer());
        decoder.setJwtValidator(
                new DelegatingOAuth2TokenValidator<>(validator, ReceiverTokenConfiguration::hasSubject));
        return new RememberingJwtDecoder(decoder, Clock.systemUTC(), REMEMBERED_TOKENS);
    }

    @Bean
    ReceiverTokenIssuer receiverTokenIssuer(SecurityProperties properties, JdbcClient jdbc) {
        SecurityProperties.Receiver receiver = properties.receiver();
        if (!receiver.jwksUrl().isEmpty()) {
            return new ExternalIssuer(receiver);
        }
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(secretKey(receiver, jdbc)));
        return new ReceiverTokenIssuer() {
            @Override
            public ReceiverToken mint(String recipientId, Duration ttl) {
                Instant now = Instant.now();
                Instant expiresAt = now.plus(ttl);
                JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                        .subject(recipientId)
                        .issuedAt(now)
                        .expiresAt(expiresAt);
                if (!receiver.issuer().isEmpty()) {
                    claims.issuer(receiver.issuer());
                }
                JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
                String token = encoder.encode(JwtEncoderParameters.from(header, claims.build()))
                        .getTokenValue();
                return new ReceiverToken(token, expiresAt);
            }

            @Override
            public Duration maxTtl() {
                return receiver.maxTokenTtl();
            }

            @Override
            public Duration defaultTtl() {
                return receiver.defaultTokenTtl();
            }
        };
    }

    private static OAuth2TokenValidatorResult hasSubject(Jwt jwt) {
        String subject = jwt.getSubject();
        return subject == null || subject.isBlank()
                ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "The token has no subject", null))
                : OAuth2TokenValidatorResult.success();
    }

    static SecretKey secretKey(SecurityProperties.Receiver receiver, JdbcClient jdbc) {
        byte[] secret = receiver.jwtSecret().isEmpty()
                ? storedSecret(jdbc)
                : receiver.jwtSecret().getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException(
                    "MC_RECEIVER_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes long for HS256");
        }
        return new SecretKeySpec(secret, "HmacSHA256");
    }

    private static byte[] storedSecret(JdbcClient jdbc) {
        byte[] fresh = new byte[MIN_SECRET_BYTES * 2];
        new SecureRandom().nextBytes(fresh);
        // why: concurrent first starts race here; the first insert wins and everyone reads it back
        jdbc.sql("insert into settings (name, value) values (:name, :value) on conflict (name) do nothing")
                .param("name", SECRET_SETTING)
                .param("value", Base64.getEncoder().encodeToString(fresh))
                .update();
        String stored = jdbc.sql("select value from settings where name = :name")
                .param("name", SECRET_SETTING)
                .query(String.class)
                .single();
        return Base64.getDecoder().decode(stored);
    }

    /** With an external identity server, that server issues receiver tokens, not this service. */
    private record ExternalIssuer(SecurityProperties.Receiver receiver) implements ReceiverTokenIssuer {
        @Override
        public ReceiverToken mint(String recipientId, Duration ttl) {
            throw new ApiProblem(
                    ProblemType.CONFLICT, "Receiver tokens come from the identity server at MC_RECEIVER_JWKS_URL");
        }

        @Override
        public Duration maxTtl() {
            return receiver.maxTokenTtl();
        }

        @Override
        public Duration defaultTtl() {
            return receiver.defaultTokenTtl();
        }
    }
}
