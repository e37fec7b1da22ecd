package dev.messagecenter.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, recorded from many threads; percentiles by sorting. */
final class Latencies {

    private long[] samples = new long[1024];
    private int size;

    synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** The {@code p}-th percentile (0 to 100) in milliseconds, nearest rank; NaN when empty. */
    synchronized double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.clamp(rank - 1, 0, size - 1)] / 1e6;
    }

    synchronized double maxMillis() {
        return percentileMillis(100);
    }
}
