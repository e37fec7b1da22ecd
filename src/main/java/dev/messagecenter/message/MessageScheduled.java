package dev.messagecenter.message;

import java.time.Instant;
import java.util.UUID;

/**
 * Published in the transaction that makes a message due for sending at {@code sendAt}; the
 * planners are woken once it commits.
 */
public record MessageScheduled(UUID messageId, Lane lane, Instant sendAt) {}
