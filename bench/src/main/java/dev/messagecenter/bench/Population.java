package dev.messagecenter.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The synthetic directory: recipient {@code i} is {@code r0000042}, a rider when {@code i} is even
 * and a merchant otherwise, in city {@code city-(i mod 100)}, with one Android push token
 * {@code tok-i}. Deterministic, so any scenario can pick recipients by index.
 */
final class Population {

    static final int CITIES = 100;

    private final int size;

    Population(int size) {
        this.size = size;
    }

    int size() {
        return size;
    }

    static String id(int i) {
        return "r%07d".formatted(i);
    }

    static String kind(int i) {
        return i % 2 == 0 ? "rider" : "merchant";
    }

    static String city(int i) {
        return "city-%03d".formatted(i % CITIES);
    }

    static List<String> allCities() {
        List<String> cities = new ArrayList<>();
        for (int c = 0; c < CITIES; c++) {
            cities.add("city-%03d".formatted(c));
        }
        return cities;
    }

    /** The import body: one NDJSON line per recipient, generated while it is sent. */
    InputStream ndjson() {
        return new GeneratedLines(
                size,
                i -> "{\"id\":\"" + id(i) + "\",\"kind\":\"" + kind(i) + "\",\"city\":\""
                        + city(i) + "\",\"channels\":{\"push\":[{\"platform\":\"android\",\"token\":\"tok-" + i
                        + "\"}]}}\n");
    }

    /** The same rows as CSV for a raw {@code COPY}: id, kind, city, push devices as JSON. */
    InputStream copyCsv() {
        return new GeneratedLines(
                size,
                i -> id(i) + "," + kind(i) + "," + city(i)
                        + ",\"[{\"\"platform\"\":\"\"android\"\",\"\"token\"\":\"\"tok-" + i + "\"\"}]\"\n");
    }

    /** An input stream over generated lines, so a million rows never sit in memory at once. */
    private static final class GeneratedLines extends InputStream {
        private final int lines;
        private final IntFunction<String> line;
        private int next;
        private byte[] current = new byte[0];
        private int position;

        GeneratedLines(int lines, IntFunction<String> line) {
            this.lines = lines;
            this.line = line;
        }

        private boolean fill() {
            while (position >= current.length) {
                if (next >= lines) {
                    return false;
                }
                current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int copied = 0;
            while (copied < length && fill()) {
                int chunk = Math.min(length - copied, current.length - position);
                System.arraycopy(current, position, buffer, offset + copied, chunk);
                position += chunk;
                copied += chunk;
            }
            return copied == 0 ? -1 : copied;
        }
    }
}
