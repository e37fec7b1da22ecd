package dev.messagecenter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

class RememberingJwtDecoderTest {

    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Accepts tokens named "good-*" valid for one hour from START, refuses the rest; counts calls. */
    private static final class Verifier implements JwtDecoder {
        final List<String> calls = new ArrayList<>();

        @Override
        public Jwt decode(String token) {
            calls.add(token);
            if (!token.startsWith("good-")) {
                throw new BadJwtException("bad signature");
            }
            return Jwt.withTokenValue(token)
                    .header("alg", "HS256")
                    .subject("r-" + token)
                    .issuedAt(START)
                    .expiresAt(START.plus(Duration.ofHours(1)))
                    .build();
        }
    }

    private final TestClock clock = new TestClock();
    private final Verifier verifier = new Verifier();

    @Test
    void aVerifiedTokenIsAnsweredFromMemoryUntilItExpires() {
        RememberingJwtDecoder decoder = new RememberingJwtDecoder(verifier, clock, 100);

        Jwt first = decoder.decode("good-a");
        clock.now = START.plus(Duration.ofMinutes(59));
        Jwt again = decoder.decode("good-a");

        assertThat(again).isSameAs(first);
        assertThat(verifier.calls).containsExactly("good-a");

        clock.now = START.plus(Duration.ofHours(1));
        decoder.decode("good-a");

        assertThat(verifier.calls).containsExactly("good-a", "good-a");
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        RememberingJwtDecoder decoder = new RememberingJwtDecoder(verifier, clock, 100);

        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);

        assertThat(verifier.calls).containsExactly("forged", "forged");
    }

    @Test
    void aFullMemoryForgetsAndVerifiesAgain() {
        RememberingJwtDecoder decoder = new RememberingJwtDecoder(verifier, clock, 2);

        decoder.decode("good-a");
        decoder.decode("good-b");
        decoder.decode("good-c");
        decoder.decode("good-c");
        decoder.decode("good-a");

        assertThat(verifier.calls).containsExactly("good-a", "good-b", "good-c", "good-a");
    }
}
