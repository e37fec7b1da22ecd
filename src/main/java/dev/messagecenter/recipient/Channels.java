package dev.messagecenter.recipient;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Where a recipient can be reached beyond the in-app inbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Channels(
        List<PushToken> push,
        @Nullable String email,
        @Nullable String webhook) {

    public static final Channels NONE = new Channels(List.of(), null, null);

    public Channels {
        push = push == null ? List.of() : List.copyOf(push);
    }
}
