package dev.messagecenter.stats.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.stats.Counters;
import dev.messagecenter.stats.CountersContract;
import dev.messagecenter.testfixtures.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

class JdbcCountersIT extends CountersContract {

    private static HikariDataSource database;
    private static Counters counters;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        counters = new JdbcCounters(JdbcClient.create(database));
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    protected DataSource dataSource() {
        return database;
    }

    @Override
    protected Counters counters() {
        return counters;
    }
}
