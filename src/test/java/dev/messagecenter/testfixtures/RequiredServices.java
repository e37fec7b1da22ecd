package dev.messagecenter.testfixtures;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * External servers, and server binaries, that some integration tests need. A missing one skips those tests with a
 * loud reason on a developer's machine, and fails them where {@code MC_REQUIRE_SERVICES=true}
 * ({@code .ci/run}), so CI never passes by skipping.
 */
public final class RequiredServices {

    /** Where a server listens. */
    public record Endpoint(String host, int port) {}

    private RequiredServices() {}

    /** RabbitMQ at {@code MC_TEST_RABBIT_HOST:MC_TEST_RABBIT_PORT} (default 127.0.0.1:5672, guest/guest). */
    public static Endpoint rabbitMq() {
        String host = env("MC_TEST_RABBIT_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MC_TEST_RABBIT_PORT", "5672"));
        return require("RabbitMQ", new Endpoint(host, port));
    }

    /** Redis at {@code MC_TEST_REDIS_HOST:MC_TEST_REDIS_PORT} (default 127.0.0.1:6379, no password). */
    public static Endpoint redis() {
        String host = env("MC_TEST_REDIS_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MC_TEST_REDIS_PORT", "6379"));
        return require("Redis", new Endpoint(host, port));
    }

    /**
     * A server binary that a test runs itself (a private RabbitMQ node or Redis it can stop and
     * start): the first of {@code candidates} that is executable, else {@code name} on the
     * {@code PATH}.
     */
    public static Path executable(String name, String... candidates) {
        List<Path> tried = new ArrayList<>();
        for (String candidate : candidates) {
            tried.add(Path.of(candidate));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                tried.add(Path.of(dir, name));
            }
        }
        for (Path candidate : tried) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return unavailable("%s is not installed (looked at %s); install it, as CI does".formatted(name, tried));
    }

    private static Endpoint require(String name, Endpoint endpoint) {
        String problem = reachable(endpoint);
        if (problem == null) {
            return endpoint;
        }
        return unavailable("%s is not reachable at %s:%d (%s); start it, or set MC_TEST_%s_HOST/PORT"
                .formatted(
                        name,
                        endpoint.host(),
                        endpoint.port(),
                        problem,
                        name.toUpperCase(java.util.Locale.ROOT).replace("MQ", "")));
    }

    private static <T> T unavailable(String reason) {
        if (Boolean.parseBoolean(System.getenv("MC_REQUIRE_SERVICES"))) {
            throw new IllegalStateException(reason + " [MC_REQUIRE_SERVICES=true: failing instead of skipping]");
        }
        System.err.println("SKIPPING: " + reason);
        Assumptions.abort("SKIPPED: " + reason);
        throw new AssertionError("unreachable");
    }

    private static @Nullable String reachable(Endpoint endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 1_000);
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
