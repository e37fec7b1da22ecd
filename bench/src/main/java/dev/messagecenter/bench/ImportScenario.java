package dev.messagecenter.bench;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import tools.jackson.databind.JsonNode;

/**
 * Streams the whole population as NDJSON to {@code POST /api/v1/recipients:import} and times it
 * until the 200 answer; then, as the machine's limit, a raw {@code COPY} of the same rows into a
 * plain table (no index, no constraint) on the service's own embedded PostgreSQL.
 */
final class ImportScenario {

    static void run(Target target, boolean reportFigures) throws Exception {
        Population population = target.population();
        long start = System.nanoTime();
        Http.Response response = target.http()
                .adminUpload(
                        "/api/v1/recipients:import",
                        "application/x-ndjson",
                        HttpRequest.BodyPublishers.ofInputStream(population::ndjson),
                        Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.status() != 200) {
            throw new IllegalStateException("import answered " + response);
        }
        JsonNode report = response.json();
        long stored = report.path("imported").asLong() + report.path("updated").asLong();
        if (stored != population.size() || report.path("rejected").asLong() != 0) {
            throw new IllegalStateException("import stored " + stored + " of " + population.size() + ": " + report);
        }
        if (!reportFigures) {
            System.out.printf("  run %d  import (setup) took %.1f s%n", target.run(), seconds);
            return;
        }
        target.figure("import.seconds", seconds);
        target.figure("import.copyReferenceSeconds", copyReference(target));
    }

    private static double copyReference(Target target) throws Exception {
        try (Connection connection = target.database();
                Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists bench_copy_reference");
            statement.execute("create table bench_copy_reference (id text, kind text, city text, push jsonb)");
            long start = System.nanoTime();
            long rows = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "copy bench_copy_reference from stdin (format csv)",
                            target.population().copyCsv());
            double seconds = (System.nanoTime() - start) / 1e9;
            statement.execute("drop table bench_copy_reference");
            if (rows != target.population().size()) {
                throw new IllegalStateException("COPY stored " + rows + " rows");
            }
            return seconds;
        }
    }
}
