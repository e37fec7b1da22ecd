package dev.messagecenter.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ServiceIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The settings the service's own database sessions run with, whatever the server's defaults. */
class DatabaseSessionIT extends ServiceIT {

    @Autowired
    JdbcClient jdbc;

    @Test
    void statementsAreNeverCompiledToMachineCode() {
        assertThat(jdbc.sql("show jit").query(String.class).single()).isEqualTo("off");
    }
}
