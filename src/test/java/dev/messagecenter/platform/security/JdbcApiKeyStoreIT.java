package dev.messagecenter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.testfixtures.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Remembered keys: a key revoked through this instance stops working here at once. */
class JdbcApiKeyStoreIT {

    private static HikariDataSource database;

    /** Runs once, after the next statement has read its rows and given its connection back. */
    private static final AtomicReference<@Nullable Runnable> afterNextStatement = new AtomicReference<>();

    private static JdbcApiKeyStore store;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        store = new JdbcApiKeyStore(JdbcClient.create(new DelegatingDataSource(database) {
            @Override
            public Connection getConnection() throws SQLException {
                return runningAfterClose(super.getConnection());
            }
        }));
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Test
    void aKeyRevokedHereStopsWorkingAtOnce() {
        String secret = ApiKeySecrets.generate();
        ApiKey key = store.create("revoked", Set.of(Scope.READ), secret);
        assertThat(store.findActive(secret)).isPresent();

        store.revoke(key.id());

        assertThat(store.findActive(secret)).isEmpty();
    }

    @Test
    void aKeyRevokedWhileALookupReadsItIsNotRemembered() {
        String secret = ApiKeySecrets.generate();
        ApiKey key = store.create("racing", Set.of(Scope.READ), secret);
        // why: the revocation commits between the lookup's read of the active key and what the
        // lookup does with it, the order a request and a revocation can take on two threads
        afterNextStatement.set(() -> store.revoke(key.id()));

        assertThat(store.findActive(secret))
                .as("the lookup that read the key first")
                .isPresent();
        assertThat(afterNextStatement.get()).as("the revocation ran").isNull();

        assertThat(store.findActive(secret)).isEmpty();
    }

    private static Connection runningAfterClose(Connection connection) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("close")) {
                        Runnable after = afterNextStatement.getAndSet(null);
                        if (after != null) {
                            after.run();
                        }
                    }
                    return result;
                });
    }
}
