package dev.messagecenter.recipient;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A recipient as the directory is asked to store it: validated by {@link RecipientRules}. */
public record RecipientDraft(
        String id,
        String kind,
        String city,
        List<String> tags,
        @Nullable String locale,
        Channels channels) {

    public RecipientDraft {
        tags = List.copyOf(tags);
    }
}
