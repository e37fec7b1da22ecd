package dev.messagecenter.recipient;

/** One line of an upload could not be taken; the reason is shown to the uploader with the line number. */
final class LineRejectedException extends RuntimeException {
    LineRejectedException(String reason) {
        super(reason, null, false, false);
    }
}
