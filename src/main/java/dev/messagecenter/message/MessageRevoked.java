package dev.messagecenter.message;

import java.util.UUID;

/** Published inside the transaction that revokes a message, so pending work stops with it. */
public record MessageRevoked(UUID messageId) {}
