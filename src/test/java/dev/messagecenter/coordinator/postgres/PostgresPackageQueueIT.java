package dev.messagecenter.coordinator.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.coordinator.CoordinatorProperties;
import dev.messagecenter.coordinator.PackageQueue;
import dev.messagecenter.coordinator.PackageQueueContract;
import dev.messagecenter.testfixtures.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

class PostgresPackageQueueIT extends PackageQueueContract {

    private static HikariDataSource database;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
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
    protected PackageQueue createQueue(
            JdbcClient jdbc, TransactionTemplate transaction, CoordinatorProperties properties) {
        return new PostgresPackageQueue(jdbc, transaction, properties);
    }
}
