package dev.messagecenter.platform.security;

import java.time.Duration;
import java.time.Instant;

/** Mints receiver tokens: JWTs whose subject is a recipient id, for demos, tests and trusted backends. */
public interface ReceiverTokenIssuer {

    /** A signed token for the recipient, valid for {@code ttl}. */
    ReceiverToken mint(String recipientId, Duration ttl);

    /** The longest lifetime a minted token may have. */
    Duration maxTtl();

    /** The lifetime a token gets when the caller does not ask for one. */
    Duration defaultTtl();

    record ReceiverToken(String token, Instant expiresAt) {}
}
