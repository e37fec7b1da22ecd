package dev.messagecenter.recipient;

/** The upload formats of the recipient import. */
public enum ImportFormat {
    NDJSON,
    CSV
}
