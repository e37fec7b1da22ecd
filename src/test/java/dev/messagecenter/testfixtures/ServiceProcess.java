package dev.messagecenter.testfixtures;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The service jar running as a separate OS process, on a free port, over an embedded PostgreSQL
 * in a data directory of the test's choosing. Output goes to a log file under {@code target/}.
 * {@link #close()} leaves nothing running: not the service, and not a PostgreSQL that a killed
 * service left behind.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String ADMIN_KEY = "process-it-admin-key-0123456789-abcdefghij";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POSTMASTER_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Path dataDir;
    private final Path log;
    private final int headerLength;
    private final int port;
    private final Process process;
    private final Thread killOnJvmExit;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private ServiceProcess(String name, Path dataDir, Path log, int headerLength, int port, Process process) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = log;
        this.headerLength = headerLength;
        this.port = port;
        this.process = process;
        // why: if the test JVM dies (failsafe timeout, Ctrl-C), the service must not outlive it
        this.killOnJvmExit = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    /** Starts the jar over {@code dataDir} and returns once it reports ready. */
    public static ServiceProcess start(String name, Path dataDir, String... jvmArgs) {
        return start(name, dataDir, Map.of(), jvmArgs);
    }

    /**
     * As {@link #start(String, Path, String...)}, with {@code MC_*} environment variables for the
     * service, as an operator sets them ({@code ops/distributed.env}).
     */
    public static ServiceProcess start(String name, Path dataDir, Map<String, String> environment, String... jvmArgs) {
        try {
            Files.createDirectories(dataDir);
            Path jar = jar();
            Path logDir = jar.toAbsolutePath().getParent().resolve("it-logs");
            Files.createDirectories(logDir);
            Path log = Files.createTempFile(logDir, name + "-", ".log");
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(javaCommand());
            command.addAll(List.of(jvmArgs));
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port));
            ProcessBuilder builder = new ProcessBuilder(command)
                    // why: a relative path the service writes must land in the test's folder, not the repo
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // why: MC_* variables of the developer's shell (an external MC_DB_URL) must not leak in
            builder.environment().keySet().removeIf(key -> key.startsWith("MC_"));
            builder.environment().put("MC_DATA_DIR", dataDir.toAbsolutePath().toString());
            builder.environment().put("MC_ADMIN_KEY", ADMIN_KEY);
            builder.environment().putAll(environment);
            String header = "# " + String.join(" ", command) + System.lineSeparator();
            Files.writeString(log, header, StandardCharsets.UTF_8);
            ServiceProcess service = new ServiceProcess(name, dataDir, log, header.length(), port, builder.start());
            service.awaitReady();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar under test: {@code mc.jar} as set by failsafe, else the one {@code package} builds. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("mc.jar", "target/message-center.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No service jar at " + jar.toAbsolutePath() + ": run mvn package first");
        }
        return jar;
    }

    private static String javaCommand() {
        // why: the service runs on the same JDK as the tests, whatever is first on the PATH
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void awaitReady() {
        HttpRequest readiness = HttpRequest.newBuilder(uri("/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            await("readiness of " + name)
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .failFast("the service process exited", () -> !process.isAlive())
                    .until(() -> http.send(readiness, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            close();
            throw new IllegalStateException(
                    "Service " + name + " did not become ready (exit code " + exitCode() + "); log: " + log + "\n"
                            + tail(40),
                    e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + port + pathAndQuery);
    }

    /** A request to the service that carries the admin API key. */
    public HttpRequest.Builder adminRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + ADMIN_KEY);
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The operating system's id of the service's JVM, as it names itself in leases. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote to standard output and standard error so far. */
    public String output() {
        try {
            // why: the log starts with the command line, whose flags must not match searches of the output
            return Files.readString(log, StandardCharsets.UTF_8).substring(headerLength);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the service with SIGTERM, as an orchestrator would, and waits for it to exit. */
    public int stop() {
        process.destroy();
        return awaitExit();
    }

    /** Stops the service with SIGKILL: no shutdown hook runs, the embedded PostgreSQL survives. */
    public int kill() {
        process.destroyForcibly();
        return awaitExit();
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                throw new IllegalStateException(
                        "Service " + name + " did not exit within " + STOP_TIMEOUT + "; log: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    private String exitCode() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    /** The PostgreSQL server running over this service's data directory, if any. */
    public Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty() || lines.getFirst().isBlank()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.getFirst().trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().orElse("").contains("postgres"));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops the service if it runs, then any PostgreSQL it left behind. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                try {
                    awaitExit();
                } catch (IllegalStateException e) {
                    // the process is gone either way: destroyForcibly ran
                }
            }
            postmaster().ifPresent(ServiceProcess::stopPostmaster);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or will run; nothing to undo
            }
        }
    }

    private static void stopPostmaster(ProcessHandle postmaster) {
        // why: SIGTERM is a "smart" shutdown, which ends once the dead service's sessions are gone
        postmaster.destroy();
        try {
            postmaster.onExit().get(POSTMASTER_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            postmaster.destroyForcibly();
        } catch (ExecutionException | TimeoutException e) {
            postmaster.destroyForcibly();
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public String toString() {
        return "service " + name + " on port " + port + " (log " + log + ")";
    }
}
