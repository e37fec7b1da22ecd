package dev.messagecenter.recipient;

import dev.messagecenter.platform.io.LineReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams an upload into the directory: parses line by line, writes batches with set-based SQL,
 * and holds at most two batches in memory whatever the upload's size: while one is written (on a
 * virtual thread of its own), the next is parsed, so the service's parsing and the database's
 * writing overlap instead of taking turns. Batches are written one at a time, in order, and each
 * commits on its own, so an interrupted upload keeps what was written and can simply be sent
 * again; the upload is not answered before the last write it started has ended.
 */
@Component
@EnableConfigurationProperties(ImportProperties.class)
public class RecipientImporter {

    private static final Logger log = LoggerFactory.getLogger(RecipientImporter.class);
    private static final long PROGRESS_EVERY = 100_000;

    private final RecipientDirectory directory;
    private final JsonMapper json;
    private final ImportProperties properties;
    private final ApplicationEventPublisher events;

    RecipientImporter(
            RecipientDirectory directory,
            JsonMapper json,
            ImportProperties properties,
            ApplicationEventPublisher events) {
        this.directory = directory;
        this.json = json;
        this.properties = properties;
        this.events = events;
    }

    public ImportReport importFrom(Reader input, ImportFormat format) throws IOException {
        LineReader lines = new LineReader(input, properties.maxLineLength());
        RecipientLineParser parser = format == ImportFormat.NDJSON ? new NdjsonLineParser(json) : null;
        List<RecipientDraft> batch = new ArrayList<>(properties.batchSize());
        List<ImportReport.LineError> errors = new ArrayList<>();
        UpsertCounts counts = UpsertCounts.NONE;
        BackgroundWrite write = new BackgroundWrite();
        long rejected = 0;
        long accepted = 0;
        try {
            for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
                String text = line.text();
                if (text != null && text.isBlank()) {
                    continue;
                }
                if (parser == null) {
                    // the first non-blank CSV line is the header
                    parser = CsvLineParser.forHeader(text == null ? "" : text);
                    continue;
                }
                try {
                    if (text == null) {
                        throw new LineRejectedException(
                                "line is longer than " + properties.maxLineLength() + " characters");
                    }
                    batch.add(parser.parse(text));
                } catch (LineRejectedException e) {
                    rejected++;
                    if (errors.size() < properties.maxErrorsReported()) {
                        errors.add(new ImportReport.LineError(line.number(), e.getMessage()));
                    }
                    continue;
                }
                if (batch.size() == properties.batchSize()) {
                    counts = counts.plus(write.handOver(batch));
                    batch = new ArrayList<>(properties.batchSize());
                }
                if (++accepted % PROGRESS_EVERY == 0) {
                    log.info("Recipient import: {} lines accepted, {} rejected so far", accepted, rejected);
                }
            }
            counts = counts.plus(write.finish());
            if (!batch.isEmpty()) {
                counts = counts.plus(store(batch));
            }
        } catch (IOException | RuntimeException e) {
            // why: the upload ends here; the batch being written must end before it is answered
            try {
                write.finish();
            } catch (RuntimeException writeFailure) {
                e.addSuppressed(writeFailure);
            }
            throw e;
        }
        log.info(
                "Recipient import done: {} new, {} updated, {} rejected",
                counts.inserted(),
                counts.updated(),
                rejected);
        return new ImportReport(counts.inserted(), counts.updated(), rejected, errors);
    }

    /** At most one batch being written, on a virtual thread, while the caller parses the next. */
    private final class BackgroundWrite {

        private @Nullable CompletableFuture<UpsertCounts> running;

        /** Waits for the batch being written, if any, and starts this one; the first's counts. */
        UpsertCounts handOver(List<RecipientDraft> batch) {
            UpsertCounts done = finish();
            CompletableFuture<UpsertCounts> stored = new CompletableFuture<>();
            Thread.ofVirtual().name("recipient-import").start(() -> {
                try {
                    stored.complete(store(batch));
                } catch (Throwable e) {
                    stored.completeExceptionally(e);
                }
            });
            running = stored;
            return done;
        }

        /** Waits for the batch being written: its counts (none when there is none), or what it threw. */
        UpsertCounts finish() {
            CompletableFuture<UpsertCounts> writing = running;
            running = null;
            if (writing == null) {
                return UpsertCounts.NONE;
            }
            try {
                return writing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }
    }

    private UpsertCounts store(List<RecipientDraft> batch) {
        UpsertCounts stored = directory.upsertAll(batch);
        // why: one bulk notice per committed batch, not one per recipient
        events.publishEvent(RecipientsChanged.any());
        return stored;
    }
}
