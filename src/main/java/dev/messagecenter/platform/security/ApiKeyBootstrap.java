package dev.messagecenter.platform.security;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure an admin can get in: registers {@code MC_ADMIN_KEY} when it is set, otherwise, on a
 * database with no active admin key, generates one and prints it once on standard output.
 */
@Component
class ApiKeyBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyBootstrap.class);
    // why: several instances may start at once against one database; one of them bootstraps
    private static final long BOOTSTRAP_LOCK = 0x6d63_6b65_7973L;

    private final SecurityProperties properties;
    private final JdbcApiKeyStore keys;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    ApiKeyBootstrap(
            SecurityProperties properties, JdbcApiKeyStore keys, JdbcClient jdbc, TransactionTemplate transaction) {
        this.properties = properties;
        this.keys = keys;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public void run(ApplicationArguments args) {
        transaction.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(:lock)")
                    .param("lock", BOOTSTRAP_LOCK)
                    .query()
                    .singleRow();
            bootstrap();
        });
    }

    private void bootstrap() {
        String configured = properties.adminKey();
        if (!configured.isEmpty()) {
            if (configured.length() < ApiKeySecrets.MIN_CONFIGURED_LENGTH) {
                throw new IllegalStateException(
                        "MC_ADMIN_KEY must be at least " + ApiKeySecrets.MIN_CONFIGURED_LENGTH + " characters long");
            }
            if (!keys.existsByKey(configured)) {
                keys.create("admin (MC_ADMIN_KEY)", Set.of(Scope.ADMIN), configured);
                log.info("Registered the admin API key from MC_ADMIN_KEY");
            }
            return;
        }
        if (keys.hasActiveAdmin()) {
            return;
        }
        String generated = ApiKeySecrets.generate();
        keys.create("admin (generated at first start)", Set.of(Scope.ADMIN), generated);
        // why: printed once on the console, never through the logging pipeline, and never again
        System.out.println("""

                ==================================================================
                 Message Center generated the first admin API key (shown once):

                   %s

                 Use it as:  Authorization: Bearer <key>
                 Set MC_ADMIN_KEY to choose your own key instead.
                ==================================================================
                """.formatted(generated));
    }
}
