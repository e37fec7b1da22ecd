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
    static final String CPU_TIME = "process_cpu_time_ns_total";

    /** A connection to the service's embedded PostgreSQL, as user {@code postgres}. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    int randomRecipient() {
        return random.nextInt(population.size());
    }

    /**
     * Runs a measured load and records what each successful request cost the service meanwhile,
     * as details {@code <scenario>.allocatedKbPer<Request>} (the allocation that sets how often it
     * collects garbage) and {@code <scenario>.serviceCpuMsPer<Request>} (its JVM's CPU time, not
     * the database's). The allocation hardly depends on how busy the machine is; the CPU time does.
     */
    ClosedLoop.Result costPerRequest(String scenario, String request, Supplier<ClosedLoop.Result> load) {
        double allocatedBefore = allocatedBytes();
        double cpuBefore = http.metric(CPU_TIME, "");
        ClosedLoop.Result result = load.get();
        double cpuAfter = http.metric(CPU_TIME, "");
        double allocatedAfter = allocatedBytes();
        if (result.ok() > 0) {
            detail(scenario + ".allocatedKbPer" + request, (allocatedAfter - allocatedBefore) / 1024 / result.ok());
            detail(scenario + ".serviceCpuMsPer" + request, (cpuAfter - cpuBefore) / 1e6 / result.ok());
        }
        return result;
    }

    /**
     * Bytes the service allocated since it started: the JVM adds Eden's content to {@code
     * jvm_gc_memory_allocated_bytes_total} at each collection, and Eden holds what was allocated
     * since the last one. The counter is added to by a listener shortly after each collection, so a
     * reading is taken again, up to ten times, until no collection happened in the 200 ms before it.
     */
    private double allocatedBytes() {
        double collections = http.metric(COLLECTIONS, "");
        double allocated = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            allocated = http.metric(ALLOCATED, "") + http.metric("jvm_memory_used_bytes", "id=\"G1 Eden Space\"");
            double now = http.metric(COLLECTIONS, "");
            if (now == collections) {
                break;
            }
            collections = now;
        }
        return allocated;
    }

    void figure(String key, double value) {
        report.figure(run, key, value);
    }

    void detail(String key, Object value) {
        report.detail(run, key, value);
    }
}
