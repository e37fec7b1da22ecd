package dev.messagecenter.testfixtures;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A RabbitMQ node of a test's own, so that the test can stop and start it: its own node name,
 * ports, data and log folders, configuration and Erlang cookie, so the shared broker on 5672 (and
 * its {@code /etc/rabbitmq} settings) is never touched. No plugins, so no management port. Data
 * survives {@link #stop()} and {@link #start()} as on a real restart; {@link #close()} stops the
 * node and deletes everything. Skips the test (fails it under {@code MC_REQUIRE_SERVICES=true})
 * when RabbitMQ is not installed.
 */
public final class PrivateRabbitMq implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path server;
    private final Path dir;
    private final String node;
    private final int port;
    private final int distributionPort;
    // why: if the test JVM dies (failsafe timeout, Ctrl-C), the node must not outlive it
    private final Thread killOnJvmExit = new Thread(this::kill, "kill-rabbitmq");
    private @Nullable Process process;

    private PrivateRabbitMq(Path server, Path dir, String node, int port, int distributionPort) {
        this.server = server;
        this.dir = dir;
        this.node = node;
        this.port = port;
        this.distributionPort = distributionPort;
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    /** Prepares a node in a new folder under {@code parent}, on free ports; does not start it. */
    public static PrivateRabbitMq prepare(Path parent) {
        // why: Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user, who cannot write the
        // test's folders; the script it wraps runs the node as the caller
        Path server = RequiredServices.executable("rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server");
        String node = "mc-it-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
        try {
            Path dir = Files.createDirectories(parent.resolve(node.substring(0, node.indexOf('@'))));
            int port = freePort();
            int distributionPort = freePort();
            Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + port + "\n");
            Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
            Files.writeString(dir.resolve("enabled_plugins"), "");
            return new PrivateRabbitMq(server, dir, node, port, distributionPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String node() {
        return node;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the node (again, on the same data) and returns once it accepts AMQP connections. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(server.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("server.log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("RABBITMQ_") || key.startsWith("ERL_"));
        // why: the Erlang cookie is created in HOME; a folder of our own keeps the shared one untouched
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_IP_ADDRESS", host());
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        // why: /etc/rabbitmq configures the shared broker (its listener is 5672): not read here
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        try {
            await("RabbitMQ node " + node)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .failFast("the node exited", () -> !started.isAlive())
                    .until(this::acceptsConnections);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            stop();
            throw new IllegalStateException("RabbitMQ node " + node + " did not start; see " + dir, e);
        }
    }

    private boolean acceptsConnections() throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host());
        factory.setPort(port);
        factory.setConnectionTimeout(2_000);
        try (Connection connection = factory.newConnection("mc-it-probe")) {
            return connection.isOpen();
        }
    }

    /**
     * Stops the node as an operator would ({@code SIGTERM}: a clean shutdown) and waits for it to
     * exit. Durable queues and persistent messages survive to the next {@link #start()}.
     */
    public synchronized void stop() {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        // why: the script execs erl, whose VM (beam.smp) is the process that shuts the node down
        List<ProcessHandle> vms = Stream.concat(Stream.of(running.toHandle()), running.descendants())
                .filter(p -> p.info().command().orElse("").contains("beam"))
                .toList();
        (vms.isEmpty() ? List.of(running.toHandle()) : vms).forEach(ProcessHandle::destroy);
        try {
            if (!running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                running.descendants().forEach(ProcessHandle::destroyForcibly);
                running.destroyForcibly();
                running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            for (ProcessHandle vm : vms) {
                vm.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
        } catch (ExecutionException | TimeoutException e) {
            vms.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private void kill() {
        Process running = process;
        if (running != null) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
        }
    }

    /** Stops the node and deletes its data, logs and configuration. */
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
        return "RabbitMQ node " + node + " on " + host() + ":" + port + " (" + dir + ")";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
