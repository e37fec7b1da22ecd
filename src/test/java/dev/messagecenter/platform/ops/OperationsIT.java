package dev.messagecenter.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class OperationsIT extends ServiceIT {

    /** The checked-in API description; regenerate with {@code -Dmc.openapi.write=true}. */
    static final Path OPENAPI = Path.of("docs", "openapi.json");

    @Test
    void healthHasLivenessAndReadinessWithTheDatabase() {
        assertThat(api.get("/actuator/health/liveness", null)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("UP");
        assertThat(api.get("/actuator/health/readiness", null)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("UP");
        Response health = api.get("/actuator/health", ADMIN_KEY);
        assertThat(health.status()).isEqualTo(200);
    }

    @Test
    void exposesPrometheusMetrics() {
        api.get("/api/v1/recipients?limit=1", ADMIN_KEY);
        Response metrics = api.get("/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds", "hikaricp_connections");
    }

    @Test
    void echoesOrAssignsRequestIds() {
        Response echoed =
                api.send("GET", "/api/v1/recipients?limit=1", ADMIN_KEY, null, null, Map.of("X-Request-Id", "abc-123"));
        assertThat(echoed.header("X-Request-Id")).isEqualTo("abc-123");
        Response assigned =
                api.send("GET", "/api/v1/recipients?limit=1", ADMIN_KEY, null, null, Map.of("X-Request-Id", "bad id!"));
        assertThat(assigned.header("X-Request-Id")).isNotEqualTo("bad id!").hasSize(36);
    }

    @Test
    void servesTheOpenApiDocumentThatIsCheckedIn() throws IOException {
        Response served = api.get("/v3/api-docs", null);
        assertThat(served.status()).isEqualTo(200);
        ObjectNode document = (ObjectNode) served.json();
        // why: the server URL carries the test's random port
        document.remove("servers");
        assertThat(document.path("paths").has("/api/v1/recipients/{id}")).isTrue();
        JsonMapper json =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        if (Boolean.getBoolean("mc.openapi.write") || !Files.exists(OPENAPI)) {
            Files.createDirectories(OPENAPI.getParent());
            Files.writeString(OPENAPI, json.writeValueAsString(document) + "\n");
        }
        JsonNode checkedIn = json.readTree(Files.readString(OPENAPI));
        assertThat(checkedIn)
                .as("docs/openapi.json is stale: run the tests with -Dmc.openapi.write=true and commit it")
                .isEqualTo(document);
    }
}
