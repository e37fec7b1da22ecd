package dev.messagecenter.message.redis;

import dev.messagecenter.message.IdempotencyCache;
import dev.messagecenter.platform.redis.RedisGuard;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Idempotency keys in Redis: one string per key, {@code <prefix>idem:{<api key id>}:<key>} holding
 * {@code <hex sha-256 of the body>:<message id>}, written with {@code SET NX} and the retention as
 * its expiry. A repeated request is answered without touching the {@code idempotency_keys} table;
 * while Redis is unreachable every lookup is a miss and the table answers.
 */
@Component
@ConditionalOnProperty(name = "messagecenter.redis.enabled", havingValue = "true")
class RedisIdempotencyCache implements IdempotencyCache {

    private static final HexFormat HEX = HexFormat.of();

    private final RedisGuard guard;

    RedisIdempotencyCache(RedisGuard guard) {
        this.guard = guard;
    }

    @Override
    public Optional<Seen> find(UUID apiKeyId, String key) {
        return guard.call(
                "idempotency.find",
                () -> Optional.ofNullable(guard.redis().opsForValue().get(key(apiKeyId, key)))
                        .flatMap(RedisIdempotencyCache::parse),
                Optional::empty);
    }

    @Override
    public void remember(UUID apiKeyId, String key, Seen seen, Duration retention) {
        String value = HEX.formatHex(seen.requestHash()) + ":" + seen.messageId();
        guard.run(
                "idempotency.remember",
                () -> guard.redis().opsForValue().setIfAbsent(key(apiKeyId, key), value, retention));
    }

    private String key(UUID apiKeyId, String key) {
        return guard.key("idem:{" + apiKeyId + "}:" + key);
    }

    /** Empty for a value this class did not write (nothing is trusted that cannot be parsed). */
    private static Optional<Seen> parse(String value) {
        int colon = value.indexOf(':');
        try {
            return Optional.of(
                    new Seen(HEX.parseHex(value.substring(0, colon)), UUID.fromString(value.substring(colon + 1))));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
