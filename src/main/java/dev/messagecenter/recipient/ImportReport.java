package dev.messagecenter.recipient;

import java.util.List;

/**
 * The outcome of an import: {@code imported} new recipients, {@code updated} existing ones,
 * {@code rejected} lines, and the first rejected lines with their reasons.
 */
public record ImportReport(long imported, long updated, long rejected, List<LineError> errors) {

    public record LineError(long line, String reason) {}
}
