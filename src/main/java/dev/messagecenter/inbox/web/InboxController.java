package dev.messagecenter.inbox.web;

import dev.messagecenter.inbox.Inbox;
import dev.messagecenter.inbox.InboxItem;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.security.Callers;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's own inbox, for apps holding a receiver token: the recipient is always the token's
 * subject, so a message addressed to someone else is simply not found.
 */
@RestController
@RequestMapping("/api/v1/inbox")
class InboxController {

    private final Inbox inbox;

    InboxController(Inbox inbox) {
        this.inbox = inbox;
    }

    record InboxList(List<InboxItem> items, @Nullable String nextCursor) {}

    record UnreadCount(long unread) {}

    record Marked(int marked) {}

    record ForceReadList(List<InboxItem> items) {}

    @GetMapping
    InboxList page(
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(defaultValue = "" + Inbox.DEFAULT_PAGE_SIZE) int limit) {
        if (limit < 1 || limit > Inbox.MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + Inbox.MAX_PAGE_SIZE);
        }
        Inbox.Cursor after = cursor == null ? null : Inbox.Cursor.decode(cursor);
        Inbox.Page page = inbox.page(Callers.recipientId(), after, limit);
        return new InboxList(
                page.items(), page.next() == null ? null : page.next().encode());
    }

    @GetMapping("/unread-count")
    UnreadCount unreadCount() {
        return new UnreadCount(inbox.unreadCount(Callers.recipientId()));
    }

    @PostMapping("/{messageId}/read")
    ResponseEntity<Void> read(@PathVariable UUID messageId) {
        inbox.markRead(Callers.recipientId(), messageId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/read-all")
    Marked readAll() {
        return new Marked(inbox.readAll(Callers.recipientId()));
    }

    @GetMapping("/force-read")
    ForceReadList forceRead() {
        return new ForceReadList(inbox.forceReadPending(Callers.recipientId()));
    }

    @PostMapping("/{messageId}/ack")
    ResponseEntity<Void> ack(@PathVariable UUID messageId) {
        inbox.ack(Callers.recipientId(), messageId);
        return ResponseEntity.noContent().build();
    }
}
