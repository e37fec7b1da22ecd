package dev.messagecenter.recipient;

import dev.messagecenter.platform.io.LineReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams an upload into the directory: parses line by line and writes batches with set-based SQL,
 * each in its own transaction, so an interrupted upload keeps what was written and can simply be
 * sent again. Batches are written on virtual threads while the next one is parsed, up to {@code
 * writers} at once, so the service's parsing and the database's writing overlap and the database
 * can use more than one core. A batch that shares a recipient with a batch still being written
 * waits for it, so that the later line still wins. At most {@code writers + 1} batches are in
 * memory, whatever the upload's size, and the upload is not answered before every write it
 * started has ended.
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
            if (!batch.isEmpty()) {
                counts = counts.plus(write.handOver(batch));
            }
            counts = counts.plus(write.finish());
        } catch (IOException | RuntimeException e) {
            // why: the upload ends here; the batches being written must end before it is answered
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

    /** The batches being written, oldest first. */
    private final class BackgroundWrite {

        private record Running(Set<String> ids, CompletableFuture<UpsertCounts> counts) {}

        private final List<Running> running = new ArrayList<>();

        /**
         * Starts writing this batch, once no batch being written shares a recipient with it and
         * fewer than {@code writers} are running; the counts of the writes it waited for, or
         * what the first of them that failed threw.
         */
        UpsertCounts handOver(List<RecipientDraft> batch) {
            Set<String> ids = HashSet.newHashSet(batch.size());
            batch.forEach(draft -> ids.add(draft.id()));
            UpsertCounts done = UpsertCounts.NONE;
            for (int i = 0; i < running.size(); ) {
                if (Collections.disjoint(running.get(i).ids(), ids)) {
                    i++;
                } else {
                    done = done.plus(counts(running.remove(i)));
                }
            }
            while (running.size() >= properties.writers()) {
                done = done.plus(counts(running.removeFirst()));
            }
            running.add(new Running(
                    ids,
                    CompletableFuture.supplyAsync(
                            () -> store(batch), Thread.ofVirtual().name("recipient-import")::start)));
            return done;
        }

        /**
         * Waits for every batch being written: their counts, or what the first failed one threw
         * (the others are waited for all the same).
         */
        UpsertCounts finish() {
            UpsertCounts done = UpsertCounts.NONE;
            RuntimeException failure = null;
            while (!running.isEmpty()) {
                try {
                    done = done.plus(counts(running.removeFirst()));
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return done;
        }

        private static UpsertCounts counts(Running write) {
            try {
                return write.counts().join();
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
