package dev.messagecenter.platform.db;

import dev.messagecenter.platform.problem.ApiProblem;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Values PostgreSQL refuses to store, checked where input is validated so that such a value is a
 * 400 naming its field instead of a failed statement: text with a NUL character (U+0000), which no
 * {@code text} or {@code jsonb} value may hold, and instants outside the years 1970 to 9999 (UTC),
 * the range the service accepts (PostgreSQL's own ends at 4713 BC and 294276 AD).
 */
public final class Storable {

    public static final String NUL_REASON = "must not contain the NUL character (U+0000)";
    public static final String INSTANT_REASON = "must be an instant in the years 1970 to 9999 (UTC)";

    private static final Instant FIRST = Instant.EPOCH;
    private static final Instant AFTER_LAST = Instant.parse("+10000-01-01T00:00:00Z");

    private Storable() {}

    /** Whether PostgreSQL can store the text; a missing value can be. */
    public static boolean text(@Nullable String value) {
        return value == null || value.indexOf('\0') < 0;
    }

    /** Whether the instant is in the years 1970 to 9999; a missing value is. */
    public static boolean instant(@Nullable Instant value) {
        return value == null || (!value.isBefore(FIRST) && value.isBefore(AFTER_LAST));
    }

    /** Throws a 400 problem naming {@code field} unless PostgreSQL can store the text. */
    public static void requireText(@Nullable String value, String field) {
        if (!text(value)) {
            throw ApiProblem.invalid(field, NUL_REASON);
        }
    }

    /** Throws a 400 problem naming {@code field} unless the instant is in the years 1970 to 9999. */
    public static void requireInstant(@Nullable Instant value, String field) {
        if (!instant(value)) {
            throw ApiProblem.invalid(field, INSTANT_REASON);
        }
    }
}
