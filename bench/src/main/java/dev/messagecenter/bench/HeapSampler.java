package dev.messagecenter.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the service's heap in use from {@code /actuator/prometheus} (sum of
 * {@code jvm_memory_used_bytes{area="heap"}}) every 500 ms, so that a window without any GC pause
 * still has a peak. The GC log's "before" figures are the other source; the report takes the larger.
 * One sample is taken when it starts and one when it closes, so that a broadcast shorter than the
 * period (the smoke run's) still has a peak.
 */
final class HeapSampler implements AutoCloseable {

    private final Http http;
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor();

    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure = "";

    HeapSampler(Http http) {
        this.http = http;
        sampleQuietly();
        thread.submit(() -> {
            while (running.get()) {
                long start = System.nanoTime();
                sampleQuietly();
                long waitNanos = TimeUnit.MILLISECONDS.toNanos(500) - (System.nanoTime() - start);
                if (waitNanos > 0) {
                    LockSupport.parkNanos(waitNanos);
                }
            }
        });
    }

    private void sampleQuietly() {
        try {
            sample();
            samples.incrementAndGet();
        } catch (RuntimeException e) {
            // why: a missed sample only lowers the resolution; the GC log still counts
            failures.incrementAndGet();
            lastFailure = e.toString();
        }
    }

    private void sample() {
        long used = (long) http.metric("jvm_memory_used_bytes", "area=\"heap\"");
        peakBytes.accumulateAndGet(used, Math::max);
    }

    /** Samples taken and missed, with the last miss, for the report's details. */
    String tally() {
        return samples.get() + " taken, " + failures.get() + " missed" + (lastFailure.isEmpty() ? "" : " (last: " + lastFailure + ")");
    }

    double peakMb() {
        return peakBytes.get() / (1024.0 * 1024.0);
    }

    @Override
    public void close() {
        running.set(false);
        thread.shutdown();
        sampleQuietly();
    }
}
