package dev.messagecenter.stats.redis;

import dev.messagecenter.platform.redis.RedisGuard;
import dev.messagecenter.stats.CounterTruth;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Stats counters in Redis when the distributed mode turns Redis on ({@code messagecenter.redis.enabled}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "messagecenter.redis.enabled", havingValue = "true")
class RedisCountersConfiguration {

    @Bean
    RedisCounters redisCounters(
            RedisGuard redisGuard,
            CounterTruth truth,
            @Value("${messagecenter.counters.reconcile-interval:10m}") Duration reconcileInterval) {
        return new RedisCounters(redisGuard, truth, reconcileInterval, Clock.systemUTC());
    }
}
