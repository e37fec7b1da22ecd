package dev.messagecenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a unified GC log written with {@code -Xlog:gc:file=<path>:timemillis}: every pause line
 * carries the wall-clock time, heap used before and after, and the pause length.
 */
final class GcLog {

    private static final Pattern PAUSE =
            Pattern.compile("^\\[(\\d+)ms\\].*Pause.*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");

    record Window(double peakUsedMb, double maxPauseMs, int pauses) {}

    /** Peak heap used (the largest "before" figure) and longest pause between two epoch-ms instants. */
    static Window read(Path log, long fromMillis, long toMillis) throws IOException {
        double peak = 0;
        double maxPause = 0;
        int pauses = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = PAUSE.matcher(line);
            if (!m.find()) {
                continue;
            }
            long at = Long.parseLong(m.group(1));
            if (at < fromMillis || at > toMillis) {
                continue;
            }
            pauses++;
            peak = Math.max(peak, mb(m.group(2), m.group(3)));
            maxPause = Math.max(maxPause, Double.parseDouble(m.group(8)));
        }
        return new Window(peak, maxPause, pauses);
    }

    private static double mb(String amount, String unit) {
        double value = Double.parseDouble(amount);
        return switch (unit) {
            case "K" -> value / 1024;
            case "G" -> value * 1024;
            default -> value;
        };
    }
}
