package dev.messagecenter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the packaged jar as a separate OS process, the way it runs in production: restarts over
 * the same data, survives {@code kill -9}, and streams a million-line import through a capped heap.
 */
class ServiceProcessIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RECIPIENT = """
            {"kind":"rider","city":"shanghai","tags":["ev"]}""";
    private static final int ONE_MILLION = 1_000_000;
    private static final int CITIES = 100;

    private final List<ServiceProcess> services = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            services.forEach(service -> System.out.println("Log of " + service + ": " + service.log()));
        }
    };

    @AfterEach
    void stopServices() {
        RuntimeException failure = null;
        for (ServiceProcess service : services.reversed()) {
            try {
                service.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void restartKeepsData(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
        ServiceProcess first = start("restart-first", dataDir);
        assertThat(putRecipient(first, "rider-restart").statusCode())
                .as("first upsert of a recipient")
                .isEqualTo(201);

        first.stop();
        assertThat(first.postmaster())
                .as("embedded PostgreSQL after a graceful stop (log %s)", first.log())
                .isEmpty();

        ServiceProcess second = start("restart-second", dataDir);
        assertRecipientKept(second, "rider-restart");
        assertOnlyTheConfiguredAdminKey(first, second);
    }

    @Test
    void restartAfterKillNineKeepsData(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
        ServiceProcess first = start("kill9-first", dataDir);
        assertThat(putRecipient(first, "rider-kill9").statusCode())
                .as("first upsert of a recipient")
                .isEqualTo(201);

        first.kill();
        Optional<ProcessHandle> orphan = first.postmaster();
        // why: without a PostgreSQL left running, this test would not exercise the stale-server path
        assertThat(orphan).as("embedded PostgreSQL after kill -9").isPresent();

        ServiceProcess second = start("kill9-second", dataDir);
        assertThat(orphan.orElseThrow().isAlive())
                .as("PostgreSQL left by the killed service, after the restart")
                .isFalse();
        assertThat(second.postmaster())
                .as("PostgreSQL of the restarted service")
                .isPresent();
        assertRecipientKept(second, "rider-kill9");
        assertOnlyTheConfiguredAdminKey(first, second);
    }

    @Test
    void importsOneMillionRecipientsWithCappedHeap(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir)
            throws Exception {
        // why: exit on the first OutOfMemoryError, so that one swallowed by a worker thread still shows
        ServiceProcess service = start("import-1m", dataDir, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
        GeneratedRecipients upload = new GeneratedRecipients(ONE_MILLION);
        HttpRequest request = service.adminRequest("/api/v1/recipients:import")
                .header("Content-Type", "application/x-ndjson")
                .timeout(Duration.ofMinutes(10))
                .POST(BodyPublishers.ofInputStream(() -> upload))
                .build();

        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(response.statusCode())
                .as("import response %s (log %s)", response.body(), service.log())
                .isEqualTo(200);
        assertThat(upload.linesProduced()).isEqualTo(ONE_MILLION);
        JsonNode report = JSON.readTree(response.body());
        assertThat(report.path("imported").asLong())
                .as("imported in %s", report)
                .isEqualTo(ONE_MILLION);
        assertThat(report.path("updated").asLong()).as("updated in %s", report).isZero();
        assertThat(report.path("rejected").asLong())
                .as("rejected in %s", report)
                .isZero();

        String timing = "import of 1,000,000 recipients took " + millis + " ms";
        System.out.println(timing);
        Files.writeString(
                ServiceProcess.jar().toAbsolutePath().getParent().resolve("import-1m.txt"),
                timing + System.lineSeparator(),
                StandardCharsets.UTF_8);

        HttpResponse<String> page = http.send(
                service.adminRequest("/api/v1/recipients?city=city-017&limit=500")
                        .GET()
                        .build(),
                BodyHandlers.ofString());
        assertThat(page.statusCode()).as("segment page %s", page.body()).isEqualTo(200);
        JsonNode items = JSON.readTree(page.body()).path("items");
        assertThat(items.size()).as("recipients in one page of city-017").isEqualTo(500);
        Set<String> kinds = new HashSet<>();
        for (JsonNode item : items) {
            assertThat(item.path("city").asString()).isEqualTo("city-017");
            kinds.add(item.path("kind").asString());
        }
        assertThat(kinds).containsExactlyInAnyOrder("rider", "merchant");

        JsonNode one = getRecipient(service, id(117));
        assertThat(one.path("city").asString()).isEqualTo("city-017");
        assertThat(one.path("kind").asString()).isEqualTo(kind(117));
        assertThat(one.path("channels").path("push").path(0).path("token").asString())
                .isEqualTo("tok-0000117");

        assertThat(service.isAlive())
                .as("service after the import (log %s)", service.log())
                .isTrue();
        assertThat(service.output()).doesNotContain("OutOfMemoryError");
    }

    private ServiceProcess start(String name, Path dataDir, String... jvmArgs) {
        ServiceProcess service = ServiceProcess.start(name, dataDir, jvmArgs);
        services.add(service);
        return service;
    }

    private HttpResponse<String> putRecipient(ServiceProcess service, String id)
            throws IOException, InterruptedException {
        return http.send(
                service.adminRequest("/api/v1/recipients/" + id)
                        .header("Content-Type", "application/json")
                        .PUT(BodyPublishers.ofString(RECIPIENT))
                        .build(),
                BodyHandlers.ofString());
    }

    private JsonNode getRecipient(ServiceProcess service, String id) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(service.adminRequest("/api/v1/recipients/" + id).GET().build(), BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET recipient %s: %s (log %s)", id, response.body(), service.log())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void assertRecipientKept(ServiceProcess service, String id) throws IOException, InterruptedException {
        // the admin key from before the restart still authenticates: getRecipient expects 200
        JsonNode recipient = getRecipient(service, id);
        assertThat(recipient.path("id").asString()).isEqualTo(id);
        assertThat(recipient.path("kind").asString()).isEqualTo("rider");
        assertThat(recipient.path("city").asString()).isEqualTo("shanghai");
        List<String> tags = new ArrayList<>();
        recipient.path("tags").forEach(tag -> tags.add(tag.asString()));
        assertThat(tags).containsExactly("ev");
    }

    private void assertOnlyTheConfiguredAdminKey(ServiceProcess before, ServiceProcess after)
            throws IOException, InterruptedException {
        assertThat(before.output() + after.output()).doesNotContain("generated the first admin API key");
        HttpResponse<String> keys =
                http.send(after.adminRequest("/api/v1/api-keys").GET().build(), BodyHandlers.ofString());
        assertThat(keys.statusCode()).as("list of API keys: %s", keys.body()).isEqualTo(200);
        assertThat(JSON.readTree(keys.body()).size())
                .as("API keys after a restart: %s", keys.body())
                .isEqualTo(1);
    }

    static String id(int n) {
        return "r" + pad(n, 7);
    }

    static String kind(int n) {
        // why: by hundreds, so that every city gets both kinds
        return (n / CITIES) % 2 == 0 ? "rider" : "merchant";
    }

    static String line(int n) {
        return "{\"id\":\"" + id(n) + "\",\"kind\":\"" + kind(n) + "\",\"city\":\"city-" + pad(n % CITIES, 3)
                + "\",\"tags\":[\"t" + (n % 5)
                + "\"],\"channels\":{\"push\":[{\"platform\":\"android\",\"token\":\"tok-"
                + pad(n, 7) + "\"}]}}\n";
    }

    private static String pad(int n, int width) {
        String digits = Integer.toString(n);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    /** NDJSON recipients written as they are read, so the test never holds the whole upload. */
    static final class GeneratedRecipients extends InputStream {
        private final int count;
        private int produced;
        private byte[] line = new byte[0];
        private int position;

        GeneratedRecipients(int count) {
            this.count = count;
        }

        int linesProduced() {
            return produced;
        }

        @Override
        public int read() {
            return fill() ? line[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            int written = 0;
            while (written < length && fill()) {
                int n = Math.min(length - written, line.length - position);
                System.arraycopy(line, position, buffer, offset + written, n);
                position += n;
                written += n;
            }
            return written == 0 ? -1 : written;
        }

        private boolean fill() {
            if (position < line.length) {
                return true;
            }
            if (produced == count) {
                return false;
            }
            produced++;
            line = line(produced).getBytes(StandardCharsets.US_ASCII);
            position = 0;
            return true;
        }
    }
}
