package dev.messagecenter.testfixtures;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} of a test's own on a free port, without persistence, so that the test can
 * stop it and start it again empty; the shared Redis on 6379 is never touched. Skips the test
 * (fails it under {@code MC_REQUIRE_SERVICES=true}) when Redis is not installed.
 */
public final class PrivateRedis implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path server;
    private final Path dir;
    private final int port;
    // why: if the test JVM dies (failsafe timeout, Ctrl-C), the server must not outlive it
    private final Thread killOnJvmExit = new Thread(this::kill, "kill-redis");
    private @Nullable Process process;

    private PrivateRedis(Path server, Path dir, int port) {
        this.server = server;
        this.dir = dir;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    /** Prepares a server in a new folder under {@code parent}, on a free port; does not start it. */
    public static PrivateRedis prepare(Path parent) {
        Path server = RequiredServices.executable("redis-server", "/usr/bin/redis-server");
        try {
            Path dir = Files.createDirectories(parent.resolve("redis-" + System.nanoTime()));
            try (ServerSocket socket = new ServerSocket(0)) {
                return new PrivateRedis(server, dir, socket.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the server, empty, and returns once it answers PING. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        try {
            process = new ProcessBuilder(
                            server.toString(),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        try {
            await("Redis on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .failFast("redis-server exited", () -> !started.isAlive())
                    .until(this::answersPing);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            stop();
            throw new IllegalStateException("Redis did not start on port " + port + "; see " + dir, e);
        }
    }

    private boolean answersPing() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        }
    }

    /** Stops the server ({@code SIGTERM}); without persistence its data is gone. */
    public synchronized void stop() {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        }
    }

    private void kill() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
    }

    /** Stops the server and deletes its folder. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or will run; nothing to undo
        }
        Folders.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return "Redis on " + url() + " (" + dir + ")";
    }
}
