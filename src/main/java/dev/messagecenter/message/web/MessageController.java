package dev.messagecenter.message.web;

import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageComposer;
import dev.messagecenter.message.MessageLifecycle;
import dev.messagecenter.message.MessageQuery;
import dev.messagecenter.message.MessageRequest;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.recipient.RecipientRules;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Compose, edit, send, cancel, revoke and search messages. */
@RestController
@RequestMapping("/api/v1/messages")
class MessageController {

    static final int MAX_SEARCH_LIMIT = 200;
    static final int MAX_QUERY_LENGTH = 200;

    private final MessageComposer composer;
    private final MessageLifecycle lifecycle;
    private final MessageStore messages;

    MessageController(MessageComposer composer, MessageLifecycle lifecycle, MessageStore messages) {
        this.composer = composer;
        this.lifecycle = lifecycle;
        this.messages = messages;
    }

    record MessageList(List<MessageView> items, @Nullable String nextCursor) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MessageView> create(
            @RequestBody MessageRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        MessageComposer.Composed composed = composer.compose(request, idempotencyKey);
        MessageView view = MessageView.of(composed.message());
        return composed.replayed()
                ? ResponseEntity.ok(view)
                : ResponseEntity.created(URI.create("/api/v1/messages/" + view.id()))
                        .body(view);
    }

    @GetMapping("/{id}")
    MessageView get(@PathVariable UUID id) {
        return MessageView.of(messages.find(id).orElseThrow(() -> ApiProblem.notFound("Message " + id)));
    }

    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    MessageView edit(@PathVariable UUID id, @RequestBody MessageRequest patch) {
        if (patch.draft() != null) {
            throw ApiProblem.invalid("draft", "cannot be changed; use POST /send to send a draft");
        }
        return MessageView.of(lifecycle.edit(id, patch));
    }

    @PostMapping("/{id}/send")
    MessageView send(@PathVariable UUID id) {
        return MessageView.of(lifecycle.send(id));
    }

    @PostMapping("/{id}/cancel")
    MessageView cancel(@PathVariable UUID id) {
        return MessageView.of(lifecycle.cancel(id));
    }

    @PostMapping("/{id}/revoke")
    MessageView revoke(@PathVariable UUID id) {
        return MessageView.of(lifecycle.revoke(id));
    }

    @GetMapping
    MessageList search(
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(required = false) @Nullable MessageStatus status,
            @RequestParam(required = false) @Nullable String city,
            @RequestParam(required = false) @Nullable String kind,
            @RequestParam(required = false) @Nullable String category,
            @RequestParam(required = false) @Nullable Instant from,
            @RequestParam(required = false) @Nullable Instant to,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_SEARCH_LIMIT);
        }
        if (q != null && (q.isBlank() || q.length() > MAX_QUERY_LENGTH)) {
            throw ApiProblem.invalid("q", "must be 1 to " + MAX_QUERY_LENGTH + " characters");
        }
        Storable.requireText(q, "q");
        Storable.requireText(category, "category");
        Storable.requireInstant(from, "from");
        Storable.requireInstant(to, "to");
        if (city != null) {
            RecipientRules.requireToken(city, "city", RecipientRules.Kind.CITY);
        }
        if (kind != null) {
            RecipientRules.requireToken(kind, "kind", RecipientRules.Kind.KIND);
        }
        Instant afterCreatedAt = null;
        UUID afterId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                afterCreatedAt = Instant.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
                if (!Storable.instant(afterCreatedAt)) {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
            }
        }
        List<Message> found = messages.search(
                new MessageQuery(q, status, city, kind, category, from, to, afterCreatedAt, afterId, limit));
        String next = null;
        if (found.size() == limit) {
            Message last = found.getLast();
            next = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        }
        return new MessageList(found.stream().map(MessageView::of).toList(), next);
    }
}
