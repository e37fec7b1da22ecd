package dev.messagecenter.bench;

import dev.messagecenter.testfixtures.FakePushGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** What one run's scenarios work against: the service, its database, the gateway, the report. */
record Target(
        Http http,
        FakePushGateway gateway,
        Population population,
        String jdbcUrl,
        BenchOptions options,
        Report report,
        int run,
        Random random) {

    private static final String ALLOCATED = "jvm_gc_memory_allocated_bytes_total";
    private static final String COLLECTIONS = "jvm_gc_pause_seconds_count";

    /** A connection to the service's embedded PostgreSQL, as user {@code postgres}. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    int randomRecipient() {
        return random.nextInt(population.size());
    }

    /**
     * Runs a measured load and records, as detail {@code key}, the kilobytes the service allocated
     * per successful request meanwhile: the allocation that sets how often the service collects
     * garbage, whatever the machine's speed.
     */
    ClosedLoop.Result allocationPerRequest(String key, Supplier<ClosedLoop.Result> load) {
        double before = allocatedBytes();
        ClosedLoop.Result result = load.get();
        double after = allocatedBytes();
        if (result.ok() > 0) {
            detail(key, (after - before) / 1024 / result.ok());
        }
        return result;
    }

    /**
     * Bytes the service allocated since it started: the JVM adds Eden's content to {@code
     * jvm_gc_memory_allocated_bytes_total} at each collection, and Eden holds what was allocated
     * since the last one. The counter is added to by a listener shortly after each collection, so a
     * reading is taken again until no collection happened in the 200 ms before it.
     */
    private double allocatedBytes() {
        double collections = http.metric(COLLECTIONS, "");
        while (true) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            double allocated = http.metric(ALLOCATED, "") + http.metric("jvm_memory_used_bytes", "id=\"G1 Eden Space\"");
            double now = http.metric(COLLECTIONS, "");
            if (now == collections) {
                return allocated;
            }
            collections = now;
        }
    }

    void figure(String key, double value) {
        report.figure(run, key, value);
    }

    void detail(String key, Object value) {
        report.detail(run, key, value);
    }
}
