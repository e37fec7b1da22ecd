package dev.messagecenter.recipient;

import dev.messagecenter.platform.problem.ApiProblem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * CSV with a header row naming the columns: {@code id,kind,city} are required; {@code tags}
 * ({@code |}-separated), {@code locale}, {@code email}, {@code webhook} and {@code push}
 * ({@code platform:token} pairs, {@code |}-separated) are optional. Fields may be double-quoted;
 * a field cannot span lines.
 */
final class CsvLineParser implements RecipientLineParser {

    static final Set<String> COLUMNS = Set.of("id", "kind", "city", "tags", "locale", "email", "webhook", "push");
    static final Set<String> REQUIRED = Set.of("id", "kind", "city");

    private final Map<String, Integer> columns;
    private final int width;

    private CsvLineParser(Map<String, Integer> columns, int width) {
        this.columns = columns;
        this.width = width;
    }

    /** A parser for the given header row; a 400 problem when the header is not usable. */
    static CsvLineParser forHeader(String header) {
        List<String> names;
        try {
            names = split(header.startsWith("\uFEFF") ? header.substring(1) : header);
        } catch (LineRejectedException e) {
            throw ApiProblem.invalid("header", e.getMessage());
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name)) {
                throw ApiProblem.invalid(
                        "header", "unknown column '" + name + "'; known columns are " + sorted(COLUMNS));
            }
            if (columns.put(name, i) != null) {
                throw ApiProblem.invalid("header", "column '" + name + "' appears twice");
            }
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw ApiProblem.invalid("header", "missing required column '" + required + "'");
            }
        }
        return new CsvLineParser(columns, names.size());
    }

    @Override
    public RecipientDraft parse(String line) {
        List<String> fields = split(line);
        if (fields.size() != width) {
            throw new LineRejectedException("expected " + width + " fields, found " + fields.size());
        }
        try {
            return RecipientRules.draft(
                    field(fields, "id"),
                    field(fields, "kind"),
                    field(fields, "city"),
                    list(field(fields, "tags")),
                    field(fields, "locale"),
                    channels(fields));
        } catch (ApiProblem e) {
            throw new LineRejectedException(e.getMessage());
        }
    }

    private Channels channels(List<String> fields) {
        List<PushToken> push = new ArrayList<>();
        for (String pair : list(field(fields, "push"))) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new LineRejectedException("push: expected platform:token pairs separated by |");
            }
            push.add(new PushToken(pair.substring(0, colon), pair.substring(colon + 1)));
        }
        return new Channels(push, field(fields, "email"), field(fields, "webhook"));
    }

    private @Nullable String field(List<String> fields, String name) {
        Integer index = columns.get(name);
        if (index == null) {
            return null;
        }
        String value = fields.get(index).trim();
        return value.isEmpty() ? null : value;
    }

    private static List<String> list(@Nullable String value) {
        return value == null
                ? List.of()
                : Arrays.stream(value.split("\\|"))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
    }

    /** RFC 4180 fields of one line: quoted fields may hold commas and doubled quotes. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new LineRejectedException("unterminated quoted field");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new LineRejectedException("unexpected character after a quoted field");
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++;
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
