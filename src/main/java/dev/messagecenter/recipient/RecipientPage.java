package dev.messagecenter.recipient;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One keyset page of a segment; {@code next} is null on the last page. */
public record RecipientPage(
        List<Recipient> recipients, @Nullable SegmentCursor next) {}
