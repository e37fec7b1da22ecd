package dev.messagecenter.message;

import java.time.Instant;
import java.util.UUID;

/** Published after a message is committed as due for sending at {@code sendAt}. */
public record MessageScheduled(UUID messageId, Lane lane, Instant sendAt) {}
