package dev.messagecenter.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.testfixtures.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A statement made positional once binds its named values where the names stood, repeats included. */
class PositionalStatementIT {

    private static HikariDataSource database;
    private static JdbcClient jdbc;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        jdbc = JdbcClient.create(database);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Test
    void bindsEachNameAtEveryPlaceItStands() {
        PositionalStatement statement = new PositionalStatement(
                "select cast(:ones as int) + 10 * cast(:tens as int) + 100 * cast(:ones as int)");

        int answer = statement
                .bind(jdbc, Map.of("tens", 2, "ones", 3))
                .query(Integer.class)
                .single();

        assertThat(answer).isEqualTo(323);
    }

    @Test
    void bindsAnArrayAsOneValue() {
        PositionalStatement statement = new PositionalStatement("select cardinality(cast(:ids as uuid[]))");

        int answer = statement
                .bind(jdbc, Map.of("ids", new UUID[] {UUID.randomUUID(), UUID.randomUUID()}))
                .query(Integer.class)
                .single();

        assertThat(answer).isEqualTo(2);
    }

    @Test
    void refusesACollectionAndAMissingValue() {
        PositionalStatement statement = new PositionalStatement("select cast(:a as int) + cast(:b as int)");

        assertThatThrownBy(() -> statement.bind(jdbc, Map.of("a", 1, "b", List.of(1, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter b is a collection");
        assertThatThrownBy(() -> statement.bind(jdbc, Map.of("a", 1)))
                .isInstanceOf(InvalidDataAccessApiUsageException.class);
    }
}
