package dev.messagecenter.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.function.LongUnaryOperator;

/**
 * A closed-loop load: {@code clients} virtual threads each send one request, wait for its answer and
 * send the next, until the duration is over or the request budget is spent. A request counts when
 * the predicate answers true; its latency is recorded then. {@link #paced} is the open-loop
 * variant: requests at a fixed rate, whatever the answers' pace.
 */
final class ClosedLoop {

    /** What {@link #drive}'s {@code begin} answers when there is no request {@code n}. */
    private static final long NO_MORE = Long.MIN_VALUE;

    record Result(long ok, long errors, double seconds, Latencies latencies) {
        double perSecond() {
            return ok / seconds;
        }
    }

    /**
     * The same load, unmeasured, for {@code --warmup-seconds}: the service's code is compiled and
     * its caches and connections are filled before the clock runs, as they are in a service that has
     * been up for a while.
     */
    static void warmUp(BenchOptions options, int clients, IntPredicate request) {
        if (!options.warmupDuration().isZero()) {
            run(clients, options.warmupDuration(), Long.MAX_VALUE, request);
        }
    }

    /** Calls {@code request} with a running request number; it answers whether the request succeeded. */
    static Result run(int clients, Duration duration, long maxRequests, IntPredicate request) {
        long deadline = System.nanoTime() + duration.toNanos();
        return drive(clients, n -> {
            long now = System.nanoTime();
            return n < maxRequests && now - deadline < 0 ? now : NO_MORE;
        }, request, "load clients failed");
    }

    /**
     * An open-loop load at a fixed rate: request {@code n} is due at {@code n / ratePerSecond} after
     * the start, and the next free of {@code clients} virtual threads sends it then, or as soon as
     * one is free. Its latency runs from when it was due, not from when it was sent, so a service
     * that falls behind the rate shows the wait in the percentiles instead of slowing the load down
     * (a closed loop's coordinated omission). {@link Result#perSecond} is the rate answered.
     */
    static Result paced(int clients, double ratePerSecond, Duration duration, IntPredicate request) {
        double interval = 1e9 / ratePerSecond;
        long total = (long) (duration.toNanos() / interval);
        long start = System.nanoTime();
        return drive(clients, n -> {
            if (n >= total) {
                return NO_MORE;
            }
            long due = start + (long) (n * interval);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            return due;
        }, request, "paced load clients failed");
    }

    /**
     * Runs {@code clients} virtual threads that take request numbers in turn until {@code begin}
     * answers {@link #NO_MORE}; otherwise {@code begin} answers, once request {@code n} may go, the
     * {@link System#nanoTime} its latency counts from.
     */
    private static Result drive(int clients, LongUnaryOperator begin, IntPredicate request, String failure) {
        Latencies latencies = new Latencies();
        LongAdder ok = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicLong issued = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(threads.submit(() -> {
                    while (true) {
                        long n = issued.getAndIncrement();
                        long from = begin.applyAsLong(n);
                        if (from == NO_MORE) {
                            return;
                        }
                        boolean success;
                        try {
                            success = request.test((int) n);
                        } catch (RuntimeException e) {
                            success = false;
                        }
                        if (success) {
                            latencies.record(System.nanoTime() - from);
                            ok.increment();
                        } else {
                            errors.increment();
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(failure, e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.sum(), errors.sum(), seconds, latencies);
    }
}
