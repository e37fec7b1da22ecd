package dev.messagecenter.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseProperties properties) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("message-center");
        config.setMaximumPoolSize(properties.poolSize());
        // why: a dead database must surface as a fast 503, not a request hanging for 30 s
        config.setConnectionTimeout(5_000);
        // why: every statement of the service is short, and PostgreSQL compiles a statement to
        // machine code once its estimated cost passes jit_above_cost, whatever it then takes to
        // run: with a table's statistics missing, each push package's token read (11 ms to run)
        // cost 17 ms more of compilation on a server with JIT on
        config.setConnectionInitSql("set jit = off");
        if (properties.isEmbedded()) {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(
                    Path.of(properties.embedded().dataDir()),
                    properties.embedded().port());
            config.setJdbcUrl(embedded.jdbcUrl());
            config.setUsername("postgres");
            return new EmbeddedAwareDataSource(config, embedded);
        }
        log.info("Using external PostgreSQL at {}", redactUrl(properties.url()));
        config.setJdbcUrl(properties.url());
        if (!properties.username().isEmpty()) {
            config.setUsername(properties.username());
        }
        if (!properties.password().isEmpty()) {
            config.setPassword(properties.password());
        }
        return new HikariDataSource(config);
    }

    static String redactUrl(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    /** Closes the embedded server after the pool, so that no connection outlives its server. */
    static final class EmbeddedAwareDataSource extends HikariDataSource {
        private final EmbeddedDatabase embedded;

        EmbeddedAwareDataSource(HikariConfig config, EmbeddedDatabase embedded) {
            super(config);
            this.embedded = embedded;
        }

        @Override
        public void close() {
            super.close();
            embedded.close();
        }
    }

    /** The embedded PostgreSQL: one server per data directory, restarted over its existing files. */
    record EmbeddedDatabase(EmbeddedPostgres postgres, String jdbcUrl) {

        static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
            Path pgData = dataDir.toAbsolutePath().normalize().resolve("postgres");
            StalePostmaster.stopIfRunning(pgData);
            log.info("Starting embedded PostgreSQL with data in {}", pgData);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .start();
            return new EmbeddedDatabase(postgres, postgres.getJdbcUrl("postgres", "postgres"));
        }

        void close() {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }
}
