package dev.messagecenter.platform.io;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Reads an upload line by line without ever holding more than one bounded line: a line longer
 * than the limit is skipped to its end and reported, not buffered.
 */
public final class LineReader {

    private final Reader reader;
    private final int maxLength;
    private final StringBuilder buffer = new StringBuilder(256);
    private final char[] chunk = new char[8192];
    private int position;
    private int limit;
    private long number;

    public LineReader(Reader reader, int maxLength) {
        this.reader = reader;
        this.maxLength = maxLength;
    }

    /** One line of the upload; {@code text} is null when the line was longer than the limit. */
    public record Line(long number, @Nullable String text) {}

    /** The next line without its terminator, or null at the end of the input. */
    @Nullable
    public Line next() throws IOException {
        buffer.setLength(0);
        boolean tooLong = false;
        boolean sawAny = false;
        while (true) {
            if (position == limit) {
                limit = reader.read(chunk);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
            }
            sawAny = true;
            char c = chunk[position++];
            if (c == '\n') {
                break;
            }
            if (tooLong) {
                continue;
            }
            if (buffer.length() == maxLength) {
                tooLong = true;
                buffer.setLength(0);
                continue;
            }
            buffer.append(c);
        }
        number++;
        if (tooLong) {
            return new Line(number, null);
        }
        int end = buffer.length();
        if (end > 0 && buffer.charAt(end - 1) == '\r') {
            buffer.setLength(end - 1);
        }
        return new Line(number, buffer.toString());
    }
}
