package dev.messagecenter.recipient;

import java.util.List;

/**
 * Recipients were created, changed or deactivated, which can change what they see (their kind,
 * city and tags decide which broadcasts reach them). Published once the change is stored.
 *
 * @param all a bulk change (an import): any recipient may have changed
 * @param ids otherwise, the recipients that changed
 */
public record RecipientsChanged(boolean all, List<String> ids) {

    public static RecipientsChanged some(List<String> ids) {
        return new RecipientsChanged(false, List.copyOf(ids));
    }

    public static RecipientsChanged any() {
        return new RecipientsChanged(true, List.of());
    }
}
