package dev.messagecenter.platform.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: concurrent callers hand their jobs to a few writer threads, each of which takes
 * whatever jobs are waiting (up to {@code maxBatch}) and does them together, typically in one
 * transaction with one statement per step for all of them. A caller returns when its batch has
 * committed, so what it answers is as durable as if it had committed alone; under load, the
 * statements and commits are shared by as many callers as arrived while the previous batch ran.
 *
 * <p>A batch that fails, for whatever reason, committed nothing: each of its callers then does its
 * own job alone, on its own thread, the way it would without this class, so that one bad job
 * costs the others a second try and never their answer. After {@link #close()}, jobs are done
 * alone.
 *
 * @param <J> a job
 * @param <R> its result
 */
public final class GroupCommit<J, R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final String name;
    private final int maxBatch;
    private final Function<List<J>, List<R>> together;
    private final Function<J, R> alone;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Pending<J, R>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param together does a batch, returning one result (not null) per job in the same order, or
     *     throws having stored nothing
     * @param alone does one job by itself
     * @param batchSizes told the size of each batch committed
     */
    public GroupCommit(
            String name,
            int writerCount,
            int maxBatch,
            Function<List<J>, List<R>> together,
            Function<J, R> alone,
            IntConsumer batchSizes) {
        if (writerCount < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("writers and maxBatch must be at least 1");
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.together = together;
        this.alone = alone;
        this.batchSizes = batchSizes;
        for (int i = 0; i < writerCount; i++) {
            writers.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(this::write));
        }
    }

    /** Does the job in the next batch and returns its result once that batch is committed. */
    public R submit(J job) {
        if (closed) {
            return alone.apply(job);
        }
        Pending<J, R> pending = new Pending<>(job, new CompletableFuture<>());
        queue.add(pending);
        if (closed && queue.remove(pending)) {
            return alone.apply(job);
        }
        Outcome<R> outcome;
        try {
            outcome = pending.outcome().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        return outcome.batched() ? Objects.requireNonNull(outcome.result()) : alone.apply(job);
    }

    /** Jobs waiting for a writer. */
    public int waiting() {
        return queue.size();
    }

    private void write() {
        List<Pending<J, R>> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<J, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // why: never leave a caller waiting, and never do again a job that may have been
                // committed; the writer goes on with the next batch
                batch.forEach(p -> p.outcome().completeExceptionally(e));
                log.error("{} failed after a batch of {}", name, batch.size(), e);
            } finally {
                batch.clear();
            }
        }
        // why: jobs that arrived as the writers stopped
        for (Pending<J, R> left = queue.poll(); left != null; left = queue.poll()) {
            left.outcome().complete(Outcome.retryAlone());
        }
    }

    private void run(List<Pending<J, R>> batch) {
        List<R> results;
        try {
            results = together.apply(batch.stream().map(Pending::job).toList());
        } catch (RuntimeException e) {
            log.debug("{}: a batch of {} failed ({}); each job is done alone", name, batch.size(), e.toString());
            batch.forEach(p -> p.outcome().complete(Outcome.retryAlone()));
            return;
        }
        if (results.size() != batch.size()) {
            throw new IllegalStateException(results.size() + " results for a batch of " + batch.size());
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).outcome().complete(Outcome.of(results.get(i)));
        }
        batchSizes.accept(batch.size());
    }

    /** Stops taking jobs; the writers finish what is queued, and later jobs are done alone. */
    @Override
    public void close() {
        closed = true;
        for (Thread writer : writers) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Pending<J, R>(J job, CompletableFuture<Outcome<R>> outcome) {}

    private record Outcome<R>(boolean batched, @Nullable R result) {

        static <R> Outcome<R> of(R result) {
            return new Outcome<>(true, result);
        }

        static <R> Outcome<R> retryAlone() {
            return new Outcome<>(false, null);
        }
    }
}
