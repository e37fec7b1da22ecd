package dev.messagecenter.platform.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The distributed mode's Redis client ({@code messagecenter.redis.enabled=true}). Spring Boot's
 * Redis auto-configuration and its health indicator are excluded in {@code application.yml}, so
 * the embedded default never connects to Redis; here the client is built from {@link
 * RedisProperties}, with short timeouts and commands refused at once while disconnected, so that a
 * dead Redis never stalls a request or a worker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "messagecenter.redis.enabled", havingValue = "true")
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RedisConfiguration.class);

    /** A connection factory that connects lazily and fails fast; the caller starts it. */
    public static LettuceConnectionFactory connectionFactory(RedisProperties properties) {
        RedisURI uri = RedisURI.create(properties.url());
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        String userInfo = URI.create(properties.url()).getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            if (!user.isEmpty()) {
                server.setUsername(user);
            }
            server.setPassword(RedisPassword.of(decode(colon < 0 ? userInfo : userInfo.substring(colon + 1))));
        }
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(properties.commandTimeout())
                .clientOptions(ClientOptions.builder()
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(properties.connectTimeout())
                                .build())
                        // why: while the connection is down, a command fails at once instead of
                        // waiting in Lettuce's buffer for the command timeout
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build());
        if (uri.isSsl()) {
            client.useSsl();
        }
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client.build());
        factory.setValidateConnection(false);
        return factory;
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    @Bean
    LettuceConnectionFactory redisConnectionFactory(RedisProperties properties) {
        RedisURI uri = RedisURI.create(properties.url());
        // why: host and port only; the URL may carry a password
        log.info("Redis at {}:{} (prefix {})", uri.getHost(), uri.getPort(), properties.prefix());
        return connectionFactory(properties);
    }

    @Bean
    RedisGuard redisGuard(
            LettuceConnectionFactory redisConnectionFactory, RedisProperties properties, MeterRegistry meters) {
        return new RedisGuard(new StringRedisTemplate(redisConnectionFactory), properties, meters, Clock.systemUTC());
    }

    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisGuard redisGuard) {
        return new RedisHealthIndicator(redisGuard);
    }
}
