package dev.messagecenter.platform.problem;

import java.io.IOException;

/** A request body went past its limit while it was being read. */
public class PayloadTooLargeException extends IOException {
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
