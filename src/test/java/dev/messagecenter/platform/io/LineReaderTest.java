package dev.messagecenter.platform.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<LineReader.Line> read(String input, int max) throws IOException {
        LineReader reader = new LineReader(new StringReader(input), max);
        List<LineReader.Line> lines = new ArrayList<>();
        for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void numbersLinesAndStripsTerminators() throws IOException {
        assertThat(read("a\r\nb\n\nc", 10))
                .containsExactly(
                        new LineReader.Line(1, "a"),
                        new LineReader.Line(2, "b"),
                        new LineReader.Line(3, ""),
                        new LineReader.Line(4, "c"));
    }

    @Test
    void reportsOverlongLinesWithoutKeepingThem() throws IOException {
        String longLine = "x".repeat(50_000);
        assertThat(read("ok\n" + longLine + "\nnext\n", 100))
                .containsExactly(
                        new LineReader.Line(1, "ok"), new LineReader.Line(2, null), new LineReader.Line(3, "next"));
    }

    @Test
    void emptyInputHasNoLines() throws IOException {
        assertThat(read("", 10)).isEmpty();
    }
}
