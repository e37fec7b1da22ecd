package dev.messagecenter.bench;

import dev.messagecenter.bench.BenchOptions.Scenario;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.Folders;
import dev.messagecenter.testfixtures.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark harness. Each run starts the packaged service jar as its own process ({@code
 * -Xmx512m}, GC log) over a fresh data directory, on its embedded PostgreSQL or, with {@code --mode
 * distributed}, on the machine's PostgreSQL, RabbitMQ and Redis, with the fake push
 * gateway in this JVM, and drives the scenarios from virtual-thread HTTP clients. See
 * {@code bench/README.md}.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        run(options);
    }

    /** Runs every run of the benchmark and writes the report; returns the JSON result file. */
    public static Path run(BenchOptions options) throws Exception {
        Report report = new Report(options);
        Files.createDirectories(options.out());
        for (int r = 0; r < options.runs(); r++) {
            int run = report.startRun();
            System.out.printf(
                    "Run %d of %d (%s mode, %,d recipients)%n",
                    run, options.runs(), options.modeName(), options.recipients());
            runOnce(options, report, run);
            // why: a long benchmark that dies in run 3 still leaves runs 1 and 2 on disk
            report.write();
        }
        return report.write();
    }

    /** As {@link #run(BenchOptions)}, from command-line arguments. */
    public static Path run(String... args) throws Exception {
        return run(BenchOptions.parse(args));
    }

    private static void runOnce(BenchOptions options, Report report, int run) throws Exception {
        Path dataDir = options.dataRoot().toAbsolutePath().resolve(options.modeName() + "-run" + run);
        Folders.deleteRecursively(dataDir);
        String stem = LocalDate.now() + "-" + options.modeName() + "-run" + run;
        Path gcLog = options.out().toAbsolutePath().resolve(stem + "-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> jvmArgs = new ArrayList<>(
                List.of("-Xmx" + options.serviceHeap(), "-Xlog:gc:file=" + gcLog + ":timemillis"));
        jvmArgs.addAll(options.serviceJavaOptions());
        DistributedServers servers = null;
        String jdbcUrl;
        if (options.mode() == BenchOptions.Mode.DISTRIBUTED) {
            servers = DistributedServers.create(options, run);
            jvmArgs.addAll(servers.serviceArguments());
            jdbcUrl = servers.jdbcUrl();
        } else {
            int databasePort = freePort();
            jvmArgs.add("-Dmessagecenter.database.embedded.port=" + databasePort);
            jdbcUrl = "jdbc:postgresql://localhost:" + databasePort + "/postgres";
        }
        try {
            runService(options, report, run, dataDir, stem, gcLog, jvmArgs, jdbcUrl);
        } finally {
            if (servers != null) {
                servers.close();
            }
        }
    }

    private static void runService(
            BenchOptions options,
            Report report,
            int run,
            Path dataDir,
            String stem,
            Path gcLog,
            List<String> jvmArgs,
            String jdbcUrl)
            throws Exception {
        if (options.jfr()) {
            Path jfr = options.out().toAbsolutePath().resolve(stem + ".jfr");
            jvmArgs.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            report.detail(run, "jfr", jfr.toString());
        }
        BroadcastScenario.Window broadcast = null;
        try (FakePushGateway gateway = FakePushGateway.start()) {
            jvmArgs.add("-Dmessagecenter.push.base-url=" + gateway.baseUrl());
            try (ServiceProcess service =
                            ServiceProcess.start("bench-run" + run, dataDir, jvmArgs.toArray(String[]::new));
                    Http http = new Http(service.port(), ServiceProcess.ADMIN_KEY)) {
                report.detail(run, "serviceLog", service.log().toString());
                report.detail(run, "gcLog", gcLog.toString());
                report.detail(run, "jdbcUrl", jdbcUrl);
                Target target = new Target(
                        http,
                        gateway,
                        new Population(options.recipients()),
                        jdbcUrl,
                        options,
                        report,
                        run,
                        new Random(run));
                if (options.needsRecipients()) {
                    step(report, run, "import", () -> ImportScenario.run(target, options.has(Scenario.IMPORT)));
                }
                if (options.needsBroadcast()) {
                    BroadcastScenario.Window[] window = new BroadcastScenario.Window[1];
                    step(
                            report,
                            run,
                            "broadcast",
                            () -> window[0] = BroadcastScenario.run(
                                    target, options.has(Scenario.BROADCAST), options.has(Scenario.DIRECT)));
                    broadcast = window[0];
                }
                if (options.has(Scenario.DIRECT)) {
                    step(report, run, "direct", () -> DirectThroughputScenario.run(target));
                }
                if (options.has(Scenario.INBOX)) {
                    step(report, run, "inbox", () -> InboxScenario.run(target));
                }
                step(report, run, "reference", () -> InboxScenario.loopbackReference(target));
                if (options.has(Scenario.SEARCH)) {
                    step(report, run, "search", () -> SearchScenario.run(target));
                }
                if (!service.isAlive()) {
                    report.error(run, "service", new IllegalStateException("the service died; log " + service.log()));
                }
                // why: the service log sits next to the jar, which run.sh copies to a temporary folder
                service.close();
                Files.copy(
                        service.log(),
                        options.out().toAbsolutePath().resolve(stem + "-service.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                report.detail(
                        run,
                        "serviceLog",
                        options.out()
                                .toAbsolutePath()
                                .resolve(stem + "-service.log")
                                .toString());
            }
        }
        if (broadcast != null && options.has(Scenario.BROADCAST)) {
            GcLog.Window gc = GcLog.read(gcLog, broadcast.fromMillis(), broadcast.toMillis());
            report.detail(run, "heap.pausesDuringBroadcast", gc.pauses());
            report.detail(run, "heap.gcLogPeakBeforeGcMb", gc.peakUsedMb());
            report.detail(run, "heap.sampledPeakMb", broadcast.sampledPeakHeapMb());
            report.figure(run, "heap.peakUsedMb", Math.max(gc.peakUsedMb(), broadcast.sampledPeakHeapMb()));
            report.figure(run, "heap.maxPauseMs", gc.maxPauseMs());
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** One scenario; a failure is recorded in the report and the run goes on with the next one. */
    private static void step(Report report, int run, String name, Step step) {
        long start = System.nanoTime();
        System.out.printf("  run %d  %s ...%n", run, name);
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            report.error(run, name, e);
        }
        System.out.printf("  run %d  %s done in %.1f s%n", run, name, (System.nanoTime() - start) / 1e9);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
