package dev.messagecenter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the benchmark harness end to end at a tiny size against the packaged jar, so that it keeps
 * working as the service changes. It checks that every figure is measured, not how fast it is:
 * timing goals live in the benchmark's bars, never in a test.
 */
class BenchSmokeIT {

    @Test
    void measuresEveryFigureAtATinySize() throws Exception {
        Path out = Path.of("target/bench-smoke/results");
        Path json = Bench.run(
                "--scenario", "all",
                "--recipients", "10000",
                "--runs", "1",
                "--mode", "embedded",
                "--out", out.toString(),
                "--data-dir", "target/bench-smoke/data",
                "--direct-seconds", "2",
                "--direct-clients", "8",
                "--inbox-seconds", "2",
                "--warmup-seconds", "1",
                "--inbox-clients", "16",
                "--inbox-tokens", "100",
                "--inbox-broadcasts", "5",
                "--inbox-directs", "45",
                "--inbox-rate", "200",
                "--reference-seconds", "1",
                "--search-messages", "10000",
                "--search-requests", "100");

        assertThat(json).isRegularFile();
        assertThat(json.resolveSibling(json.getFileName().toString().replace(".json", ".txt")))
                .isRegularFile();
        JsonNode result = Http.JSON.readTree(Files.readString(json));
        assertThat(result.path("rawRuns").get(0).path("errors").isEmpty())
                .as("errors of the run: %s", result.path("rawRuns"))
                .isTrue();
        for (Report.Figure figure : Report.FIGURES) {
            double median =
                    result.path("figures").path(figure.key()).path("median").asDouble(Double.NaN);
            if (figure.key().equals("heap.maxPauseMs")) {
                // why: a tiny broadcast may finish between two collections; "no pause" is a valid 0
                assertThat(median).as("figure %s in %s", figure.key(), json).isNotNegative();
            } else {
                assertThat(median).as("figure %s in %s", figure.key(), json).isPositive();
            }
        }
        // why: a broadcast this small may see no collection at all; the sampled heap is then the
        // only source of the heap figure, so the sampler must have read the service's metrics
        JsonNode details = result.path("rawRuns").get(0).path("details");
        assertThat(details.path("heap.sampledPeakMb").asDouble())
                .as("sampled heap peak (%s)", details.path("heap.samples").asString())
                .isPositive();
        // why: read from the service's metrics around the load; a renamed metric would leave them out
        assertThat(details.path("inbox.allocatedKbPerRead").asDouble()).isPositive();
        assertThat(details.path("direct.allocatedKbPerCreate").asDouble()).isPositive();
        assertThat(details.path("inbox.serviceCpuMsPerRead").asDouble()).isPositive();
        assertThat(details.path("direct.serviceCpuMsPerCreate").asDouble()).isPositive();
        assertThat(details.has("inbox.pacedHarnessGcMs")).isTrue();
        // why: the machine's CPU during the paced reads comes from /proc/stat, which every machine
        // this runs on (Linux) has
        assertThat(details.path("inbox.pacedMachineBusyPercent").asDouble()).isBetween(0.1, 100.0);
        assertThat(details.path("inbox.pacedServiceCpuMsPerRead").asDouble()).isPositive();
        assertThat(details.path("inbox.pacedHarnessCpuMsPerRead").asDouble()).isPositive();
        assertThat(details.has("inbox.pacedOtherCpuMsPerRead")).isTrue();
        assertThat(result.path("machine").path("cores").asInt()).isPositive();
    }
}
