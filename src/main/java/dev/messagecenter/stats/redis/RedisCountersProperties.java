package dev.messagecenter.stats.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redis counters, used when {@code messagecenter.counters.type=redis}.
 *
 * @param url {@code redis://[user:password@]host:port[/database]}, or {@code rediss://} for TLS
 * @param prefix first part of every key, e.g. {@code mc:{<message id>}:counters}
 * @param commandTimeout longest wait for one command; a slower Redis counts as unreachable
 * @param connectTimeout longest wait for a connection
 * @param reconcileInterval a finished message's counters are recounted from the database again
 *     when they were last recounted longer ago than this (repairs increments lost by a crash)
 * @param retryAfter after a failure, how long commands skip Redis before trying it again
 */
@ConfigurationProperties("messagecenter.counters.redis")
public record RedisCountersProperties(
        @DefaultValue("redis://localhost:6379") String url,
        @DefaultValue("mc:") String prefix,
        @DefaultValue("500ms") Duration commandTimeout,
        @DefaultValue("500ms") Duration connectTimeout,
        @DefaultValue("10m") Duration reconcileInterval,
        @DefaultValue("1s") Duration retryAfter) {}
