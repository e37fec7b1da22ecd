package dev.messagecenter.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the service's heap in use from {@code /actuator/prometheus} (sum of
 * {@code jvm_memory_used_bytes{area="heap"}}) every 500 ms, so that a window without any GC pause
 * still has a peak. The GC log's "before" figures are the other source; the report takes the larger.
 */
final class HeapSampler implements AutoCloseable {

    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor();

    HeapSampler(Http http) {
        thread.submit(() -> {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    sample(http);
                } catch (RuntimeException e) {
                    // why: a missed sample only lowers the resolution; the GC log still counts
                }
                long waitNanos = TimeUnit.MILLISECONDS.toNanos(500) - (System.nanoTime() - start);
                if (waitNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
                }
            }
        });
    }

    private void sample(Http http) {
        String metrics = http.get("/actuator/prometheus", null).body();
        long used = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        peakBytes.accumulateAndGet(used, Math::max);
    }

    double peakMb() {
        return peakBytes.get() / (1024.0 * 1024.0);
    }

    @Override
    public void close() {
        running.set(false);
        thread.shutdown();
    }
}
