package dev.messagecenter.bench;

import dev.messagecenter.testfixtures.FakePushGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Random;

/** What one run's scenarios work against: the service, its database, the gateway, the report. */
record Target(
        Http http,
        FakePushGateway gateway,
        Population population,
        String jdbcUrl,
        BenchOptions options,
        Report report,
        int run,
        Random random) {

    /** A connection to the service's embedded PostgreSQL, as user {@code postgres}. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    int randomRecipient() {
        return random.nextInt(population.size());
    }

    void figure(String key, double value) {
        report.figure(run, key, value);
    }

    void detail(String key, Object value) {
        report.detail(run, key, value);
    }
}
