package dev.messagecenter.testfixtures;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * Databases for Spring-free integration tests: one embedded PostgreSQL per JVM, one fresh, migrated
 * database per caller, so test classes never see each other's rows.
 */
public final class TestDatabase {

    private static EmbeddedPostgres server;

    private TestDatabase() {}

    /** A new database with the application's schema; close the pool when done. */
    public static synchronized HikariDataSource fresh() {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "100")
                        .start();
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException e) {
                        // the JVM is exiting; the server's temporary folder goes with it
                    }
                }));
            }
            String name = "t_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection connection = server.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("create database " + name);
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(server.getJdbcUrl("postgres", name));
            config.setUsername("postgres");
            config.setMaximumPoolSize(20);
            HikariDataSource dataSource = new HikariDataSource(config);
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return dataSource;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
