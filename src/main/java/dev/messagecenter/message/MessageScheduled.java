package dev.messagecenter.message;

import java.time.Instant;
import java.util.UUID;

/**
 * Published inside the transaction that makes a message due for sending at {@code sendAt}; the
 * planners are woken once it commits, and a short direct list is planned just before it does.
 */
public record MessageScheduled(UUID messageId, Lane lane, Instant sendAt) {}
