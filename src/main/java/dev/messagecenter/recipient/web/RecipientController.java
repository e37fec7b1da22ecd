package dev.messagecenter.recipient.web;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.security.ReceiverTokenIssuer;
import dev.messagecenter.recipient.Channels;
import dev.messagecenter.recipient.ImportFormat;
import dev.messagecenter.recipient.ImportReport;
import dev.messagecenter.recipient.Recipient;
import dev.messagecenter.recipient.RecipientDirectory;
import dev.messagecenter.recipient.RecipientImporter;
import dev.messagecenter.recipient.RecipientPage;
import dev.messagecenter.recipient.RecipientRules;
import dev.messagecenter.recipient.RecipientsChanged;
import dev.messagecenter.recipient.Segment;
import dev.messagecenter.recipient.SegmentCursor;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The recipient directory over HTTP (writes need scope {@code admin}, reads {@code read}). */
@RestController
@RequestMapping("/api/v1")
class RecipientController {

    static final int MAX_FILTER_VALUES = 200;

    private final RecipientDirectory directory;
    private final RecipientImporter importer;
    private final ReceiverTokenIssuer tokens;
    private final ApplicationEventPublisher events;

    RecipientController(
            RecipientDirectory directory,
            RecipientImporter importer,
            ReceiverTokenIssuer tokens,
            ApplicationEventPublisher events) {
        this.directory = directory;
        this.importer = importer;
        this.tokens = tokens;
        this.events = events;
    }

    /** The body of an upsert: everything but the id, which is in the path. */
    record RecipientBody(
            @Nullable String kind,
            @Nullable String city,
            @Nullable List<String> tags,
            @Nullable String locale,
            @Nullable Channels channels) {}

    record RecipientList(List<Recipient> items, @Nullable String nextCursor) {}

    record TokenResponse(String recipientId, String token, Instant expiresAt) {}

    @PutMapping(path = "/recipients/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Recipient> upsert(@PathVariable String id, @RequestBody RecipientBody body) {
        RecipientRules.requireId(id, "id");
        boolean created = directory.upsert(
                RecipientRules.draft(id, body.kind(), body.city(), body.tags(), body.locale(), body.channels()));
        events.publishEvent(RecipientsChanged.some(List.of(id)));
        Recipient stored = directory.find(id).orElseThrow();
        return created
                ? ResponseEntity.created(URI.create("/api/v1/recipients/" + id)).body(stored)
                : ResponseEntity.ok(stored);
    }

    @GetMapping("/recipients/{id}")
    Recipient get(@PathVariable String id) {
        RecipientRules.requireId(id, "id");
        return directory.find(id).orElseThrow(() -> ApiProblem.notFound("Recipient " + id));
    }

    @DeleteMapping("/recipients/{id}")
    ResponseEntity<Void> deactivate(@PathVariable String id) {
        RecipientRules.requireId(id, "id");
        if (!directory.deactivate(id) && directory.find(id).isEmpty()) {
            throw ApiProblem.notFound("Recipient " + id);
        }
        events.publishEvent(RecipientsChanged.some(List.of(id)));
        return ResponseEntity.noContent().build();
    }

    @PostMapping(
            path = "/recipients:import",
            consumes = {"application/x-ndjson", "text/csv"})
    ImportReport importRecipients(HttpServletRequest request, @RequestHeader("Content-Type") MediaType contentType)
            throws IOException {
        ImportFormat format = "csv".equals(contentType.getSubtype()) ? ImportFormat.CSV : ImportFormat.NDJSON;
        try (Reader reader = new InputStreamReader(
                request.getInputStream(),
                contentType.getCharset() == null ? StandardCharsets.UTF_8 : contentType.getCharset())) {
            return importer.importFrom(reader, format);
        }
    }

    @GetMapping("/recipients")
    RecipientList list(
            @RequestParam(name = "kind", required = false) @Nullable List<String> kinds,
            @RequestParam(name = "city", required = false) @Nullable List<String> cities,
            @RequestParam(name = "tag", required = false) @Nullable List<String> tags,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > RecipientDirectory.MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + RecipientDirectory.MAX_PAGE_SIZE);
        }
        Segment segment = Segment.of(
                tokens(kinds, "kind", RecipientRules.Kind.KIND),
                tokens(cities, "city", RecipientRules.Kind.CITY),
                tokens(tags, "tag", RecipientRules.Kind.TAG));
        RecipientPage page = directory.page(segment, cursor == null ? null : SegmentCursor.decode(cursor), limit);
        return new RecipientList(
                page.recipients(), page.next() == null ? null : page.next().encode());
    }

    @PostMapping("/recipients/{id}/token")
    ResponseEntity<TokenResponse> mintToken(
            @PathVariable String id, @RequestParam(name = "ttl", required = false) @Nullable Duration ttl) {
        RecipientRules.requireId(id, "id");
        Duration lifetime = ttl == null ? tokens.defaultTtl() : ttl;
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(tokens.maxTtl()) > 0) {
            throw ApiProblem.invalid("ttl", "must be a positive ISO-8601 duration of at most " + tokens.maxTtl());
        }
        Recipient recipient = directory
                .find(id)
                .filter(Recipient::active)
                .orElseThrow(() -> ApiProblem.notFound("Active recipient " + id));
        ReceiverTokenIssuer.ReceiverToken token = tokens.mint(recipient.id(), lifetime);
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new TokenResponse(recipient.id(), token.token(), token.expiresAt()));
    }

    private static List<String> tokens(@Nullable List<String> values, String field, RecipientRules.Kind kind) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_FILTER_VALUES) {
            throw ApiProblem.invalid(field, "at most " + MAX_FILTER_VALUES + " values");
        }
        return values.stream()
                .map(value -> RecipientRules.requireToken(value, field, kind))
                .toList();
    }
}
