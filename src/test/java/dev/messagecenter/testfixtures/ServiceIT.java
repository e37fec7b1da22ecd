package dev.messagecenter.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of integration tests that run the whole service in the test JVM, on a random port, over an
 * embedded PostgreSQL in a fresh folder. Every subclass shares one application context, so tests
 * isolate themselves with unique ids instead of cleaning up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceIT {

    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    private static final Path DATA_DIR =
            Path.of("target", "it-data", UUID.randomUUID().toString());

    /** One fake push gateway for every test of the shared context; tests use their own tokens. */
    protected static final FakePushGateway GATEWAY = FakePushGateway.start();

    @LocalServerPort
    protected int port;

    protected ApiClient api;

    @DynamicPropertySource
    static void embeddedDatabase(DynamicPropertyRegistry registry) {
        // why: a subclass that needs a context of its own (other settings) names its own database
        // folder with the property mc.test.database-folder; the shared context keeps "shared"
        registry.add(
                "messagecenter.database.embedded.data-dir",
                () -> DATA_DIR.resolve("${mc.test.database-folder:shared}").toString());
        registry.add("messagecenter.security.admin-key", () -> ADMIN_KEY);
        registry.add("messagecenter.push.base-url", GATEWAY::baseUrl);
        registry.add("messagecenter.push.request-timeout", () -> "2s");
        // why: retries and dead letters within seconds instead of minutes
        registry.add("messagecenter.coordinator.poll-interval", () -> "50ms");
        registry.add("messagecenter.coordinator.first-retry", () -> "100ms");
        registry.add("messagecenter.coordinator.max-retry-delay", () -> "400ms");
        registry.add("messagecenter.coordinator.retry-budget", () -> "3s");
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    /** A receiver token for the recipient, minted through the API. */
    protected String tokenFor(String recipientId) {
        ApiClient.Response minted = api.postJson("/api/v1/recipients/" + recipientId + "/token", ADMIN_KEY, "");
        assertThat(minted.status()).as("%s", minted).isEqualTo(201);
        return minted.json().path("token").asString();
    }

    /** The types of the message's lifecycle events, oldest first, through the API. */
    protected List<String> eventTypes(String messageId) {
        List<String> types = new ArrayList<>();
        api.get("/api/v1/messages/" + messageId + "/events", ADMIN_KEY)
                .json()
                .path("items")
                .forEach(event -> types.add(event.path("type").asString()));
        return types;
    }

    /** A fresh id, so tests sharing the database never see each other's rows. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
