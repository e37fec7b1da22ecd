package dev.messagecenter.delivery.push;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.recipient.PushToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the push gateway: one {@code POST {baseUrl}/v1/push} per {@link Batch}.
 *
 * <p>Request: {@code {"batchId", "messageId", "title", "body", "category", "data": {"pinned",
 * "forceRead"}, "tokens": [{"platform", "token"}]}}. Answer on 2xx: {@code {"results": [{"token",
 * "status": "ok" | "invalid" | "error"}]}}; other fields are ignored.
 *
 * <p>{@link #send} never throws for gateway trouble; it classifies it. 2xx gives a status for every
 * token sent ({@link TokenStatus#ERROR} for tokens the answer leaves out or gives an unknown status).
 * 408, 429, 5xx, timeouts, I/O errors and an unreadable 2xx body are {@link Outcome.Transient},
 * with the {@code Retry-After} header (seconds or HTTP-date) when there is one. Any other status is
 * {@link Outcome.Rejected}. Sending is not idempotent: the gateway may de-duplicate by batch id.
 *
 * <p>Blocking, thread-safe, and meant to be called from many virtual threads at once. Tokens and
 * the auth header value are never logged.
 */
@Component
@EnableConfigurationProperties(PushProperties.class)
class PushGatewayClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushGatewayClient.class);
    // why: a hostile or broken Retry-After must not push a retry past any sane budget or overflow
    // the arithmetic of whoever schedules it
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /** One request: at most {@link PushProperties#maxTokensPerRequest()} tokens of one message. */
    record Batch(String batchId, UUID messageId, DeliveryPackage.Content content, List<PushToken> tokens) {
        Batch {
            tokens = List.copyOf(tokens);
        }
    }

    enum TokenStatus {
        /** The gateway took the push for the device. */
        OK,
        /** The device token is dead: never send to it again. */
        INVALID,
        /** The gateway could not push to this device now; it may work later. */
        ERROR
    }

    sealed interface Outcome {

        /** The gateway answered; {@code statuses} has exactly the tokens of the batch. */
        record Answered(Map<String, TokenStatus> statuses) implements Outcome {}

        /** Worth retrying, no sooner than {@code retryAfter} when the gateway said so. */
        record Transient(String reason, @Nullable Duration retryAfter) implements Outcome {}

        /** The gateway refused the batch itself; sending it again would fail again. */
        record Rejected(String reason) implements Outcome {}
    }

    private final HttpClient http;
    private final URI endpoint;
    private final Duration requestTimeout;
    private final int maxTokensPerRequest;
    private final @Nullable String authName;
    private final @Nullable String authValue;
    // why: the wire format is a contract with another system; the application's JSON settings
    // (naming, inclusion, strictness) must not change it
    private final JsonMapper json = JsonMapper.builder().build();

    PushGatewayClient(PushProperties properties) {
        String base = properties.baseUrl().strip();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/push");
        this.requestTimeout = properties.requestTimeout();
        this.maxTokensPerRequest = properties.maxTokensPerRequest();
        String header = properties.authHeader();
        if (header.isBlank()) {
            this.authName = null;
            this.authValue = null;
        } else {
            int colon = header.indexOf(':');
            this.authName = header.substring(0, colon).strip();
            this.authValue = header.substring(colon + 1).strip();
            // why: fail at startup on a header the HTTP client would refuse, not on the first push
            HttpRequest.newBuilder(endpoint).header(authName, authValue);
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                // why: over plain http, HTTP/2 would try an h2c upgrade on every new connection
                .version(
                        "https".equalsIgnoreCase(endpoint.getScheme())
                                ? HttpClient.Version.HTTP_2
                                : HttpClient.Version.HTTP_1_1)
                .build();
    }

    int maxTokensPerRequest() {
        return maxTokensPerRequest;
    }

    Outcome send(Batch batch) {
        if (batch.tokens().size() > maxTokensPerRequest) {
            throw new IllegalArgumentException("A batch holds at most " + maxTokensPerRequest + " tokens, got "
                    + batch.tokens().size());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(wire(batch))));
        if (authName != null && authValue != null) {
            request.header(authName, authValue);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(
                    request.build(),
                    info -> info.statusCode() / 100 == 2
                            ? HttpResponse.BodySubscribers.ofByteArray()
                            // why: error bodies are not used, and may echo tokens back
                            : HttpResponse.BodySubscribers.replacing(new byte[0]));
        } catch (HttpTimeoutException e) {
            return transientFailure(batch, "gateway timed out (" + e.getClass().getSimpleName() + ")", null);
        } catch (IOException e) {
            return transientFailure(
                    batch, "gateway unreachable (" + e.getClass().getSimpleName() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return transientFailure(batch, "interrupted while sending", null);
        }
        return classify(batch, response);
    }

    private Outcome classify(Batch batch, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            Answer answer;
            try {
                answer = json.readValue(response.body(), Answer.class);
            } catch (JacksonException e) {
                return transientFailure(batch, "gateway answered " + status + " with an unreadable body", null);
            }
            Map<String, TokenStatus> statuses = statuses(batch, answer);
            log.debug("Push batch {}: {} tokens answered", batch.batchId(), statuses.size());
            return new Outcome.Answered(statuses);
        }
        if (status == 408 || status == 429 || status / 100 == 5) {
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .map(value -> retryAfter(value, Instant.now()))
                    .orElse(null);
            return transientFailure(batch, "gateway answered " + status, retryAfter);
        }
        log.warn("Push batch {} rejected: gateway answered {}", batch.batchId(), status);
        return new Outcome.Rejected("gateway answered " + status);
    }

    private static Map<String, TokenStatus> statuses(Batch batch, Answer answer) {
        Map<String, TokenStatus> statuses = new HashMap<>();
        for (PushToken token : batch.tokens()) {
            statuses.put(token.token(), TokenStatus.ERROR);
        }
        if (answer.results() != null) {
            for (TokenAnswer result : answer.results()) {
                // why: only tokens we sent count; an answer must not mark someone else's token dead
                if (result.token() != null && statuses.containsKey(result.token())) {
                    statuses.put(result.token(), status(result.status()));
                }
            }
        }
        return statuses;
    }

    private static TokenStatus status(@Nullable String status) {
        if (status == null) {
            return TokenStatus.ERROR;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "ok" -> TokenStatus.OK;
            case "invalid" -> TokenStatus.INVALID;
            default -> TokenStatus.ERROR;
        };
    }

    private static Outcome.Transient transientFailure(Batch batch, String reason, @Nullable Duration retryAfter) {
        log.warn(
                "Push batch {} not delivered: {}{}",
                batch.batchId(),
                reason,
                retryAfter == null ? "" : ", retry after " + retryAfter);
        return new Outcome.Transient(reason, retryAfter);
    }

    /**
     * A {@code Retry-After} value as a delay from {@code now}: delta-seconds or an HTTP-date (a date
     * in the past is zero), at most a day. Null when the value is neither.
     */
    static @Nullable Duration retryAfter(String value, Instant now) {
        String trimmed = value.strip();
        if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
            try {
                long seconds = Long.parseLong(trimmed);
                return seconds > MAX_RETRY_AFTER.toSeconds() ? MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
            } catch (NumberFormatException e) {
                return MAX_RETRY_AFTER;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration delay = Duration.between(now, at);
            return delay.isNegative() ? Duration.ZERO : delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Request wire(Batch batch) {
        DeliveryPackage.Content content = batch.content();
        return new Request(
                batch.batchId(),
                batch.messageId().toString(),
                content.title(),
                content.body(),
                content.category(),
                new Data(content.pinned(), content.forceRead()),
                batch.tokens().stream()
                        .map(token -> new Token(token.platform(), token.token()))
                        .toList());
    }

    /** Waits for requests in flight, then releases the client's connections and threads. */
    @Override
    public void close() {
        http.close();
    }

    private record Request(
            String batchId,
            String messageId,
            String title,
            String body,
            String category,
            Data data,
            List<Token> tokens) {}

    private record Data(boolean pinned, boolean forceRead) {}

    private record Token(String platform, String token) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Answer(@Nullable List<TokenAnswer> results) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record TokenAnswer(
            @Nullable String token, @Nullable String status) {}
}
