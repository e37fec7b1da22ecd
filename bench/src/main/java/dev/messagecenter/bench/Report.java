package dev.messagecenter.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Every run's figures, their median/min/max against the product owner's bars, as JSON and text. */
final class Report {

    enum Direction {
        AT_MOST,
        AT_LEAST,
        REFERENCE
    }

    record Figure(String key, String label, String unit, Direction direction, double bar, double aim) {
        String verdict(double value) {
            if (direction == Direction.REFERENCE || Double.isNaN(value)) {
                return direction == Direction.REFERENCE ? "" : "n/a";
            }
            boolean meetsBar = direction == Direction.AT_MOST ? value <= bar : value >= bar;
            boolean meetsAim = direction == Direction.AT_MOST ? value <= aim : value >= aim;
            return meetsBar ? (meetsAim ? "PASS (aim met)" : "PASS") : "MISS";
        }

        String barText() {
            return switch (direction) {
                case AT_MOST -> "<= " + number(bar) + " (aim " + number(aim) + ")";
                case AT_LEAST -> ">= " + number(bar) + " (aim " + number(aim) + ")";
                case REFERENCE -> "reference";
            };
        }
    }

    static final List<Figure> FIGURES = List.of(
            new Figure("import.seconds", "import N recipients", "s", Direction.AT_MOST, 30, 10),
            new Figure("import.copyReferenceSeconds", "  raw COPY of the same rows", "s", Direction.REFERENCE, 0, 0),
            new Figure("broadcast.sentSeconds", "broadcast to SENT, all pushed", "s", Direction.AT_MOST, 60, 15),
            new Figure(
                    "broadcast.inboxVisibleMaxMs", "broadcast visible in inboxes", "ms", Direction.AT_MOST, 2000, 200),
            new Figure("direct.latencyP50Ms", "direct latency during bcast p50", "ms", Direction.REFERENCE, 0, 0),
            new Figure("direct.latencyP99Ms", "direct latency during bcast p99", "ms", Direction.AT_MOST, 250, 50),
            new Figure("direct.throughputPerSec", "direct send throughput", "/s", Direction.AT_LEAST, 1000, 5000),
            new Figure("inbox.requestsPerSec", "inbox reads", "req/s", Direction.AT_LEAST, 3000, 10000),
            new Figure("inbox.pacedP99Ms", "inbox read p99, paced at the rate", "ms", Direction.AT_MOST, 25, 10),
            new Figure("search.p50Ms", "search p50", "ms", Direction.REFERENCE, 0, 0),
            new Figure("search.p99Ms", "search p99 (q+city+status)", "ms", Direction.AT_MOST, 50, 10),
            new Figure("heap.peakUsedMb", "service heap peak (broadcast)", "MB", Direction.AT_MOST, 512, 256),
            new Figure("heap.maxPauseMs", "longest GC pause (broadcast)", "ms", Direction.AT_MOST, 200, 200),
            new Figure(
                    "reference.loopbackRequestsPerSec", "loopback GET liveness", "req/s", Direction.REFERENCE, 0, 0),
            new Figure("reference.loopbackP99Ms", "  loopback GET liveness p99", "ms", Direction.REFERENCE, 0, 0));

    private final BenchOptions options;
    private final List<Map<String, Double>> runFigures = new ArrayList<>();
    private final List<Map<String, Object>> runDetails = new ArrayList<>();
    private final List<List<String>> runErrors = new ArrayList<>();

    Report(BenchOptions options) {
        this.options = options;
    }

    /** Starts the next run's record and returns its number, from 1. */
    int startRun() {
        runFigures.add(new LinkedHashMap<>());
        runDetails.add(new LinkedHashMap<>());
        runErrors.add(new ArrayList<>());
        return runFigures.size();
    }

    void figure(int run, String key, double value) {
        if (FIGURES.stream().noneMatch(f -> f.key().equals(key))) {
            throw new IllegalArgumentException("Unknown figure " + key);
        }
        runFigures.get(run - 1).put(key, value);
        System.out.printf(Locale.ROOT, "  run %d  %-34s %s%n", run, key, number(value));
    }

    void detail(int run, String key, Object value) {
        runDetails.get(run - 1).put(key, value);
    }

    void error(int run, String scenario, Throwable error) {
        String text = scenario + ": " + error;
        runErrors.get(run - 1).add(text);
        System.out.println("  run " + run + " ERROR " + text);
    }

    List<Double> values(String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> run : runFigures) {
            Double value = run.get(key);
            if (value != null && !Double.isNaN(value)) {
                values.add(value);
            }
        }
        return values;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Writes {@code <date>-<mode>.json} and {@code .txt} into the output directory; returns the JSON file. */
    Path write() throws IOException {
        Files.createDirectories(options.out());
        String stem = LocalDate.now() + "-" + options.modeName();
        Path jsonFile = options.out().resolve(stem + ".json");
        Path textFile = options.out().resolve(stem + ".txt");
        ObjectNode root = Http.JSON.createObjectNode();
        root.put("date", LocalDate.now().toString());
        root.put("finishedAt", Instant.now().toString());
        root.put("mode", options.modeName());
        root.put("recipients", options.recipients());
        root.put("runs", runFigures.size());
        ArrayNode scenarios = root.putArray("scenarios");
        options.scenarios().forEach(s -> scenarios.add(s.name().toLowerCase(Locale.ROOT)));
        root.set("machine", machine());
        ObjectNode settings = root.putObject("settings");
        settings.put("serviceHeap", options.serviceHeap());
        options.serviceJavaOptions().forEach(settings.putArray("serviceJavaOptions")::add);
        settings.put("directSeconds", options.directDuration().toMillis() / 1000.0);
        settings.put("directClients", options.directClients());
        settings.put("inboxSeconds", options.inboxDuration().toMillis() / 1000.0);
        settings.put("inboxClients", options.inboxClients());
        settings.put("inboxTokens", options.inboxTokens());
        settings.put("inboxBroadcasts", options.inboxBroadcasts());
        settings.put("inboxDirects", options.inboxDirects());
        settings.put("inboxRate", options.inboxRate());
        settings.put("searchMessages", options.searchMessages());
        settings.put("searchRequests", options.searchRequests());
        settings.put("searchClients", options.searchClients());
        ObjectNode figures = root.putObject("figures");
        for (Figure figure : FIGURES) {
            List<Double> values = values(figure.key());
            if (values.isEmpty()) {
                continue;
            }
            ObjectNode node = figures.putObject(figure.key());
            node.put("label", figure.label().trim());
            node.put("unit", figure.unit());
            node.put("bar", figure.barText());
            ArrayNode raw = node.putArray("values");
            values.forEach(raw::add);
            double median = median(values);
            node.put("median", median);
            node.put("min", values.stream().mapToDouble(d -> d).min().orElseThrow());
            node.put("max", values.stream().mapToDouble(d -> d).max().orElseThrow());
            if (figure.direction() != Direction.REFERENCE) {
                node.put("verdict", figure.verdict(median));
            }
        }
        ArrayNode runs = root.putArray("rawRuns");
        for (int r = 0; r < runFigures.size(); r++) {
            ObjectNode run = runs.addObject();
            run.put("run", r + 1);
            ObjectNode f = run.putObject("figures");
            runFigures.get(r).forEach(f::put);
            run.set("details", Http.JSON.valueToTree(runDetails.get(r)));
            ArrayNode errors = run.putArray("errors");
            runErrors.get(r).forEach(errors::add);
        }
        Files.writeString(jsonFile, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        String summary = summary(root);
        Files.writeString(textFile, summary);
        System.out.println();
        System.out.print(summary);
        System.out.println("Results: " + jsonFile.toAbsolutePath() + " and " + textFile.getFileName());
        return jsonFile;
    }

    private String summary(ObjectNode root) {
        StringBuilder text = new StringBuilder();
        ObjectNode machine = (ObjectNode) root.path("machine");
        text.append(String.format(
                Locale.ROOT,
                "Message Center benchmark, %s mode, %s: %,d recipients, %d run(s) (median [min..max])%n",
                options.modeName(),
                root.path("date").asString(),
                options.recipients(),
                runFigures.size()));
        text.append(String.format(
                Locale.ROOT,
                "machine: %d cores, %s MB RAM, %s, %s; service -Xmx%s%s; bars are for 1,000,000 recipients%n%n",
                machine.path("cores").asInt(),
                machine.path("memoryMb").asString(),
                machine.path("jdk").asString(),
                machine.path("os").asString(),
                options.serviceHeap(),
                options.serviceJavaOptions().isEmpty() ? "" : " " + String.join(" ", options.serviceJavaOptions())));
        text.append(String.format(
                Locale.ROOT, "%-34s %10s %21s  %-26s %s%n", "figure", "median", "[min..max]", "bar", "result"));
        for (Figure figure : FIGURES) {
            List<Double> values = values(figure.key());
            double median = median(values);
            String range = values.isEmpty()
                    ? ""
                    : "[" + number(values.stream().mapToDouble(d -> d).min().orElseThrow()) + ".."
                            + number(values.stream().mapToDouble(d -> d).max().orElseThrow()) + "]";
            text.append(String.format(
                    Locale.ROOT,
                    "%-34s %10s %21s  %-26s %s%n",
                    figure.label() + " (" + figure.unit() + ")",
                    values.isEmpty() ? "n/a" : number(median),
                    range,
                    figure.barText(),
                    figure.verdict(median)));
        }
        for (int r = 0; r < runErrors.size(); r++) {
            for (String error : runErrors.get(r)) {
                text.append("run ")
                        .append(r + 1)
                        .append(" error: ")
                        .append(error)
                        .append('\n');
            }
        }
        return text.toString();
    }

    private static ObjectNode machine() {
        ObjectNode machine = Http.JSON.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryMb", memoryMb());
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        machine.put("cpu", cpuModel());
        machine.put("harnessMaxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put(
                "harnessJvmArgs",
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return machine;
    }

    private static String memoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Long.toString(kb / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // why: not Linux; memory stays unknown rather than failing the report
        }
        return "unknown";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // why: not Linux; the model stays unknown rather than failing the report
        }
        return "unknown";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
