package dev.messagecenter.inbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The inbox's Redis cache is its own switch: Redis on for counters and idempotency keys leaves
 * inbox reads on PostgreSQL until {@code messagecenter.inbox.redis-cache} is true as well.
 */
class RedisInboxCacheSwitchTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(RedisInboxCache.class);

    @Test
    void redisAloneLeavesTheInboxUncached() {
        context.withPropertyValues("messagecenter.redis.enabled=true")
                .run(started -> assertThat(started).hasNotFailed().doesNotHaveBean(RedisInboxCache.class));
    }

    @Test
    void theCacheAloneNeedsRedis() {
        context.withPropertyValues("messagecenter.inbox.redis-cache=true")
                .run(started -> assertThat(started).hasNotFailed().doesNotHaveBean(RedisInboxCache.class));
    }

    @Test
    void bothSwitchesAskForTheCache() {
        // why: the cache's collaborators are not in this context, so creating it fails for want of
        // the Redis guard, which shows the condition matched
        context.withPropertyValues("messagecenter.redis.enabled=true", "messagecenter.inbox.redis-cache=true")
                .run(started -> assertThat(started).getFailure().rootCause().hasMessageContaining("RedisGuard"));
    }
}
