package dev.messagecenter.message;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A fast first answer for idempotency keys, in front of the {@code idempotency_keys} table. The
 * table stays the arbiter: a key the cache has lost, or never had, is looked up there, and
 * concurrent first uses of a key are decided by its unique index. So the cache may forget
 * anything at any time; it must never answer with a message the key was not used for.
 */
public interface IdempotencyCache {

    /** The message a key was first used for, with the hash of the request body it came with. */
    record Seen(byte[] requestHash, UUID messageId) {}

    /** What the key was first used for, if the cache still knows it. */
    Optional<Seen> find(UUID apiKeyId, String key);

    /**
     * Records a key's first use, once the message it created is committed; a key already known is
     * left as it is.
     */
    void remember(UUID apiKeyId, String key, Seen seen, Duration retention);
}
