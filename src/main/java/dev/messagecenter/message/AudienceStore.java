package dev.messagecenter.message;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Explicit recipient lists: inline lists of a message and uploaded lists. */
public interface AudienceStore {

    /** Stores a list of valid, distinct ids in the caller's transaction. */
    UUID create(List<String> recipientIds);

    /** Stores several such lists at once, in the caller's transaction: their ids, in order. */
    List<UUID> createAll(List<List<String>> recipientIds);

    /** Streams ids (one per line) into a new list in batches; never holds the whole list. */
    UploadReport upload(Reader ids, long maxIds) throws IOException;

    Optional<Long> size(UUID audienceId);

    record UploadReport(UUID audienceId, long size, long rejected, List<String> errors) {}
}
