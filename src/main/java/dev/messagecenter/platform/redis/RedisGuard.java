package dev.messagecenter.platform.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Every Redis call of the service goes through here, so that an unreachable Redis costs one
 * failed command, not one per request: after a failure, calls skip Redis for {@code retryAfter}
 * and take their fallback at once. Fallbacks are counted by operation in {@value #FALLBACKS}, and
 * the last failure is kept for the health indicator. Thread-safe.
 */
public class RedisGuard implements AutoCloseable {

    /** Operations that answered without Redis, by {@code operation}. */
    public static final String FALLBACKS = "messagecenter.redis.fallbacks";

    private static final Logger log = LoggerFactory.getLogger(RedisGuard.class);

    private final StringRedisTemplate redis;
    private final RedisProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, Runnable> owed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("redis-owed").factory());

    private volatile Instant skipUntil = Instant.MIN;
    private volatile Instant lastFailure = Instant.MIN;
    private volatile @Nullable String lastError;

    public RedisGuard(StringRedisTemplate redis, RedisProperties properties, MeterRegistry meters, Clock clock) {
        this.redis = redis;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /** The template, for adapters that call Redis through {@link #call}. */
    public StringRedisTemplate redis() {
        return redis;
    }

    /**
     * Sends the commands {@code send} issues on the shared connection, one after the other without
     * waiting, then waits up to the command timeout for every answer. Unlike a Spring Data Redis
     * pipeline, which opens a connection of its own each time, it costs no new connection. Call it
     * inside {@link #call} or {@link #run}: a failed or late answer throws.
     */
    public void sendAll(Function<RedisClusterAsyncCommands<byte[], byte[]>, List<RedisFuture<?>>> send) {
        redis.execute((RedisCallback<Void>) connection -> {
            @SuppressWarnings("unchecked")
            var commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
            List<RedisFuture<?>> answers = send.apply(commands);
            if (!LettuceFutures.awaitAll(properties.commandTimeout(), answers.toArray(RedisFuture[]::new))) {
                throw new RedisCommandTimeoutException(
                        answers.size() + " commands not answered within " + properties.commandTimeout());
            }
            return null;
        });
    }

    /** The configured key prefix followed by {@code rest}. */
    public String key(String rest) {
        return properties.prefix() + rest;
    }

    /**
     * The answer of {@code action}, or of {@code fallback} when Redis failed just now or recently;
     * {@code action} never sees a skipped Redis and {@code fallback} may still throw its own errors.
     */
    public <T> T call(String operation, Supplier<T> action, Supplier<T> fallback) {
        if (skipping()) {
            fallback(operation);
            return fallback.get();
        }
        T answer;
        try {
            answer = action.get();
        } catch (RuntimeException e) {
            failed(operation, e);
            fallback(operation);
            return fallback.get();
        }
        return answer;
    }

    /** Runs {@code action}; false when it was skipped or failed (counted as a fallback). */
    public boolean run(String operation, Runnable action) {
        return call(
                operation,
                () -> {
                    action.run();
                    return true;
                },
                () -> false);
    }

    /**
     * Runs {@code action} now or, when Redis cannot take it, again every {@code retryAfter} until
     * it succeeds, in this process only. Actions owed under the same {@code name} are done once.
     */
    public void runUntilDone(String name, Runnable action) {
        if (run(name, action)) {
            return;
        }
        if (owed.putIfAbsent(name, action) == null) {
            retries.schedule(() -> retryOwed(name), properties.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Whether an action of that name is still waiting for Redis to come back. */
    public boolean owes(String name) {
        return owed.containsKey(name);
    }

    private void retryOwed(String name) {
        Runnable action = owed.get(name);
        if (action == null) {
            return;
        }
        if (run(name, action)) {
            owed.remove(name, action);
        } else {
            retries.schedule(() -> retryOwed(name), properties.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }

    /** When Redis last failed; {@link Instant#MIN} when it never did. */
    public Instant lastFailure() {
        return lastFailure;
    }

    /** Whether Redis answered a PING just now; the failure, when it did not. */
    public @Nullable String ping() {
        try {
            String pong = redis.execute(connection -> connection.ping(), true);
            if (!"PONG".equals(pong)) {
                return "PING answered " + pong;
            }
            skipUntil = Instant.MIN;
            return null;
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** The last failure's time and cause, for the health indicator. */
    public @Nullable String lastError() {
        String error = lastError;
        return error == null ? null : lastFailure + ": " + error;
    }

    private boolean skipping() {
        return clock.instant().isBefore(skipUntil);
    }

    /** Counts an answer an adapter gave without asking Redis, for a reason of its own. */
    public void fallback(String operation) {
        fallbacks
                .computeIfAbsent(
                        operation,
                        op -> Counter.builder(FALLBACKS)
                                .description("Operations that answered without Redis")
                                .tag("operation", op)
                                .register(meters))
                .increment();
    }

    private void failed(String operation, RuntimeException e) {
        Instant now = clock.instant();
        lastFailure = now;
        lastError = e.toString();
        skipUntil = now.plus(properties.retryAfter());
        log.debug("Redis unreachable during {}; answering without it", operation, e);
    }
}
