package dev.messagecenter.inbox;

import java.util.Collection;
import java.util.List;

/**
 * What recipients see in their inboxes changed. Published inside the transaction that makes the
 * change; caches of the inbox drop what they hold once it has committed.
 *
 * @param everyone a change that reaches any number of inboxes: a broadcast started, failed, was
 *     reopened or revoked, or recipients changed in bulk
 * @param recipients otherwise, the only inboxes that changed: entries delivered to them, messages
 *     they read or acknowledged
 */
public record InboxChanged(boolean everyone, Collection<String> recipients) {

    public static InboxChanged forEveryone() {
        return new InboxChanged(true, List.of());
    }

    public static InboxChanged forRecipients(Collection<String> recipients) {
        return new InboxChanged(false, List.copyOf(recipients));
    }
}
