package dev.messagecenter.platform.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers receiver tokens it has verified, until they expire: an app polls its inbox with the
 * same token for up to its lifetime, and verifying it again (parsing, the signature, the claims)
 * cost more of an inbox read than its query. A token is remembered only once the delegate accepted
 * it, and is answered from memory only before its {@code exp}, which a token without one never is;
 * a forged or altered token is a different string, so it is never found here. At most {@code
 * capacity} tokens are held; when full, all are forgotten and verified again as they come.
 */
final class RememberingJwtDecoder implements JwtDecoder {

    private final JwtDecoder delegate;
    private final Clock clock;
    private final int capacity;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    RememberingJwtDecoder(JwtDecoder delegate, Clock clock, int capacity) {
        this.delegate = delegate;
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Jwt known = verified.get(token);
        if (known != null) {
            if (now.isBefore(known.getExpiresAt())) {
                return known;
            }
            verified.remove(token, known);
        }
        Jwt jwt = delegate.decode(token);
        if (jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())) {
            if (verified.size() >= capacity) {
                verified.clear();
            }
            verified.put(token, jwt);
        }
        return jwt;
    }
}
