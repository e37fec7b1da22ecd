package dev.messagecenter.delivery;

import java.util.List;
import java.util.UUID;

/** One package handed to a sender: its recipients and what to tell them. */
public record DeliveryPackage(
        long packageId, UUID messageId, String channel, int attempt, List<String> recipients, Content content) {

    public record Content(String title, String body, String category, boolean pinned, boolean forceRead) {}
}
