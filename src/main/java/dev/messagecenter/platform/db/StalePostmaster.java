package dev.messagecenter.platform.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL outlives a service that was killed with {@code kill -9}. Before starting
 * a new one over the same files, the old server is asked to stop, so that the restart resumes on
 * the same data instead of failing on a lock.
 */
final class StalePostmaster {

    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private StalePostmaster() {}

    static void stopIfRunning(Path pgData) throws IOException {
        Optional<ProcessHandle> stale = pid(pgData)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                // why: after a reboot the pid in a stale file may belong to an unrelated process
                .filter(p -> p.info().command().orElse("").contains("postgres"));
        if (stale.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = stale.get();
        log.warn("Stopping PostgreSQL {} left running by a previous run on {}", postmaster.pid(), pgData);
        // why: SIGINT is PostgreSQL's "fast" shutdown (roll back and stop); SIGTERM would wait for
        // clients of a process that no longer exists.
        new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
                .inheritIO()
                .start();
        try {
            postmaster.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            postmaster.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping stale PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IOException("Could not stop stale PostgreSQL", e);
        }
    }

    static Optional<Long> pid(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
