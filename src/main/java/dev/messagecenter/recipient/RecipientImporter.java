package dev.messagecenter.recipient;

import dev.messagecenter.platform.io.LineReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams an upload into the directory: parses line by line, writes batches with set-based SQL,
 * and holds at most one batch in memory whatever the upload's size. Each batch commits on its
 * own, so an interrupted upload keeps what was written and can simply be sent again.
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
        long rejected = 0;
        long accepted = 0;
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
                counts = counts.plus(store(batch));
                batch.clear();
            }
            if (++accepted % PROGRESS_EVERY == 0) {
                log.info("Recipient import: {} lines accepted, {} rejected so far", accepted, rejected);
            }
        }
        if (!batch.isEmpty()) {
            counts = counts.plus(store(batch));
        }
        log.info(
                "Recipient import done: {} new, {} updated, {} rejected",
                counts.inserted(),
                counts.updated(),
                rejected);
        return new ImportReport(counts.inserted(), counts.updated(), rejected, errors);
    }

    private UpsertCounts store(List<RecipientDraft> batch) {
        UpsertCounts stored = directory.upsertAll(batch);
        // why: one bulk notice per committed batch, not one per recipient
        events.publishEvent(RecipientsChanged.any());
        return stored;
    }
}
