package dev.messagecenter.testfixtures;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
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

    /**
     * The plan PostgreSQL gives {@code sql} as a prepared statement planned generically (what it
     * settles on after a few executions of a PgJDBC prepared statement), executed with {@code
     * arguments}. Named parameters are bound in order of first appearance to {@code types}.
     */
    public static String genericPlan(DataSource database, String sql, List<String> types, List<String> arguments) {
        String positional = sql;
        Matcher names = Pattern.compile("(?<!:):([a-zA-Z]+)").matcher(sql);
        List<String> seen = new ArrayList<>();
        while (names.find()) {
            if (!seen.contains(names.group(1))) {
                seen.add(names.group(1));
            }
        }
        for (int i = 0; i < seen.size(); i++) {
            positional = positional.replaceAll("(?<!:):" + seen.get(i) + "\\b", "\\$" + (i + 1));
        }
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("set plan_cache_mode = force_generic_plan");
            statement.execute("prepare plan_probe(" + String.join(", ", types) + ") as " + positional);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows =
                    statement.executeQuery("explain execute plan_probe(" + String.join(", ", arguments) + ")")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            statement.execute("deallocate plan_probe");
            statement.execute("reset plan_cache_mode");
            return plan.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
