package dev.messagecenter.platform.db;

import dev.messagecenter.platform.problem.ApiProblem;
import org.jspecify.annotations.Nullable;

/**
 * Values PostgreSQL refuses to store, checked where input is validated so that such a value is a
 * 400 naming its field instead of a failed statement: text with a NUL character (U+0000), which no
 * {@code text} or {@code jsonb} value may hold.
 */
public final class Storable {

    public static final String NUL_REASON = "must not contain the NUL character (U+0000)";

    private Storable() {}

    /** Whether PostgreSQL can store the text; a missing value can be. */
    public static boolean text(@Nullable String value) {
        return value == null || value.indexOf('\0') < 0;
    }

    /** Throws a 400 problem naming {@code field} unless PostgreSQL can store the text. */
    public static void requireText(@Nullable String value, String field) {
        if (!text(value)) {
            throw ApiProblem.invalid(field, NUL_REASON);
        }
    }
}
