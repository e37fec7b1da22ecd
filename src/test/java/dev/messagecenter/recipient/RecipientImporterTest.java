package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The importer's batching, with a directory that records its writes (batches of two lines). */
class RecipientImporterTest {

    private final RecordingDirectory directory = new RecordingDirectory();
    private final RecipientImporter importer = importer(2);

    private RecipientImporter importer(int writers) {
        return new RecipientImporter(
                directory, JsonMapper.builder().build(), new ImportProperties(2, writers, 16_384, 100), event -> {});
    }

    private static String lines(String... ids) {
        StringBuilder body = new StringBuilder();
        for (String id : ids) {
            body.append("{\"id\":\"").append(id).append("\",\"kind\":\"rider\",\"city\":\"wuhan\"}\n");
        }
        return body.toString();
    }

    @Test
    void oneWriterWritesEveryBatchOnceInOrderAndOneAtATime() throws IOException {
        ImportReport report =
                importer(1).importFrom(new StringReader(lines("a", "b", "c", "d", "e", "f", "g")), ImportFormat.NDJSON);

        assertThat(directory.batches)
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("g"));
        assertThat(directory.mostAtOnce.get()).isEqualTo(1);
        assertThat(report.imported()).isEqualTo(7);
    }

    @Test
    void twoWritersWriteDisjointBatchesTwoAtATime() throws IOException {
        directory.holdUntilTwoRun = true;

        ImportReport report =
                importer.importFrom(new StringReader(lines("a", "b", "c", "d", "e", "f", "g")), ImportFormat.NDJSON);

        assertThat(directory.batches)
                .containsExactlyInAnyOrder(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("g"));
        assertThat(directory.mostAtOnce.get()).isEqualTo(2);
        assertThat(report.imported()).isEqualTo(7);
    }

    @Test
    void aBatchSharingARecipientWithOneBeingWrittenWaitsForItSoTheLaterLineWins() throws IOException {
        // why: the first write waits (up to 500 ms) for a second to start, which it must not
        directory.holdUntilTwoRun = true;

        importer.importFrom(new StringReader(lines("a", "b", "a", "c")), ImportFormat.NDJSON);

        assertThat(directory.batches).containsExactly(List.of("a", "b"), List.of("a", "c"));
        assertThat(directory.mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aFailedWriteFailsTheImportAndNoBatchAfterTheNextIsWritten() {
        directory.failOn = "c";

        assertThatThrownBy(() -> importer.importFrom(
                        new StringReader(lines("a", "b", "c", "d", "e", "f", "g", "h")), ImportFormat.NDJSON))
                .hasMessageContaining("refused");

        assertThat(directory.batches).contains(List.of("a", "b")).doesNotContain(List.of("g", "h"));
    }

    @Test
    void anUploadThatBreaksOffIsAnsweredOnlyAfterTheBatchBeingWritten() {
        CountDownLatch brokeOff = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        // why: the first batch's write is still running when the upload breaks off, and would end
        // only after the answer if the importer did not wait for it (it gives up waiting at 500 ms)
        directory.waitFor = brokeOff;
        directory.holdUntil = answered;
        Reader breaksOff = new Reader() {
            private final Reader start = new StringReader(lines("a", "b", "c"));

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int read = start.read(buffer, offset, length);
                if (read < 0) {
                    brokeOff.countDown();
                    throw new IOException("connection reset");
                }
                return read;
            }

            @Override
            public void close() {}
        };

        assertThatThrownBy(() -> importer.importFrom(breaksOff, ImportFormat.NDJSON))
                .isInstanceOf(IOException.class);
        directory.events.add("answered");
        answered.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> directory.events.size() == 2);
        assertThat(directory.events).containsExactly("written a,b", "answered");
    }

    private static final class RecordingDirectory implements RecipientDirectory {

        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile @Nullable String failOn;
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile @Nullable CountDownLatch waitFor;
        volatile @Nullable CountDownLatch holdUntil;
        volatile boolean holdUntilTwoRun;
        final CountDownLatch twoStarted = new CountDownLatch(2);

        @Override
        public UpsertCounts upsertAll(List<RecipientDraft> batch) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                List<String> ids = batch.stream().map(RecipientDraft::id).toList();
                if (ids.contains(failOn)) {
                    throw new IllegalStateException("the database refused the batch");
                }
                CountDownLatch latch = waitFor;
                if (latch != null && !latch.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("waited in vain");
                }
                if (holdUntilTwoRun) {
                    twoStarted.countDown();
                    twoStarted.await(500, TimeUnit.MILLISECONDS);
                }
                CountDownLatch hold = holdUntil;
                if (hold != null) {
                    hold.await(500, TimeUnit.MILLISECONDS);
                }
                batches.add(ids);
                events.add("written " + String.join(",", ids));
                return new UpsertCounts(batch.size(), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public boolean upsert(RecipientDraft draft) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Recipient> find(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deactivate(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RecipientPage page(Segment segment, @Nullable SegmentCursor after, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IdPage pageIds(Segment segment, @Nullable SegmentCursor after, int limit) {
            throw new UnsupportedOperationException();
        }
    }
}
