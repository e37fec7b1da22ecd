package dev.messagecenter.platform.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redis, used by the distributed mode when {@code messagecenter.redis.enabled=true}: stats
 * counters, inbox caches and idempotency keys. PostgreSQL stays the source of truth for all three,
 * so Redis may be lost or restarted empty at any time.
 *
 * @param enabled whether to use Redis at all; off in the embedded default
 * @param url {@code redis://[user:password@]host:port[/database]}, or {@code rediss://} for TLS
 * @param prefix first part of every key, e.g. {@code mc:{<message id>}:counters}
 * @param commandTimeout longest wait for one command; a slower Redis counts as unreachable
 * @param connectTimeout longest wait for a connection
 * @param retryAfter after a failure, how long commands skip Redis before trying it again
 */
@ConfigurationProperties("messagecenter.redis")
public record RedisProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("redis://localhost:6379") String url,
        @DefaultValue("mc:") String prefix,
        @DefaultValue("500ms") Duration commandTimeout,
        @DefaultValue("500ms") Duration connectTimeout,
        @DefaultValue("1s") Duration retryAfter) {}
