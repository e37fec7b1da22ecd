package dev.messagecenter.recipient;

import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Position in a segment walk: the last (city, id) returned. Opaque to API clients. */
public record SegmentCursor(String city, String id) {

    private static final char SEPARATOR = '\n';

    public String encode() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((city + SEPARATOR + id).getBytes(StandardCharsets.UTF_8));
    }

    public static SegmentCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int split = raw.indexOf(SEPARATOR);
            if (split <= 0 || split == raw.length() - 1 || !Storable.text(raw)) {
                throw new IllegalArgumentException();
            }
            return new SegmentCursor(raw.substring(0, split), raw.substring(split + 1));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
        }
    }
}
