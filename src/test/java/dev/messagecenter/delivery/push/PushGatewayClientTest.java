package dev.messagecenter.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.push.PushGatewayClient.Outcome;
import dev.messagecenter.delivery.push.PushGatewayClient.TokenStatus;
import dev.messagecenter.recipient.PushToken;
import dev.messagecenter.testfixtures.FakePushGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The gateway contract and its failure classes, against the fake gateway on loopback. */
class PushGatewayClientTest {

    private static final DeliveryPackage.Content CONTENT =
            new DeliveryPackage.Content("Storm warning", "Stay safe", "safety", true, false);

    private final FakePushGateway gateway = FakePushGateway.start();
    private PushGatewayClient client = client("", Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
    }

    private PushGatewayClient client(String authHeader, Duration requestTimeout) {
        return new PushGatewayClient(
                new PushProperties(gateway.baseUrl(), authHeader, Duration.ofSeconds(2), requestTimeout, 3));
    }

    private static PushGatewayClient.Batch batch(String... tokens) {
        return new PushGatewayClient.Batch(
                "7-1-0",
                UUID.fromString("00000000-0000-0000-0000-00000000000a"),
                CONTENT,
                List.of(tokens).stream().map(t -> new PushToken("ios", t)).toList());
    }

    @Test
    void sendsTheContractAndReadsOkPerToken() {
        Outcome outcome = client.send(batch("a", "b"));

        assertThat(outcome).isEqualTo(new Outcome.Answered(Map.of("a", TokenStatus.OK, "b", TokenStatus.OK)));
        assertThat(gateway.deliveredCount("a")).isEqualTo(1);
        assertThat(gateway.totalDeliveries()).isEqualTo(2);
        assertThat(gateway.batchIds()).containsExactly("7-1-0");
        JsonNode request = gateway.lastRequest();
        assertThat(request).isNotNull();
        assertThat(request.path("messageId").asString()).isEqualTo("00000000-0000-0000-0000-00000000000a");
        assertThat(request.path("title").asString()).isEqualTo("Storm warning");
        assertThat(request.path("body").asString()).isEqualTo("Stay safe");
        assertThat(request.path("category").asString()).isEqualTo("safety");
        assertThat(request.path("data").path("pinned").asBoolean()).isTrue();
        assertThat(request.path("data").path("forceRead").asBoolean()).isFalse();
        assertThat(request.path("tokens").path(1).path("platform").asString()).isEqualTo("ios");
        assertThat(request.path("tokens").path(1).path("token").asString()).isEqualTo("b");
    }

    @Test
    void reportsInvalidAndErroredTokens() {
        gateway.rejectTokens(Set.of("gone"));

        Outcome outcome = client.send(batch("gone", "invalid-x", "error-y"));

        assertThat(outcome)
                .isEqualTo(new Outcome.Answered(Map.of(
                        "gone", TokenStatus.INVALID, "invalid-x", TokenStatus.INVALID, "error-y", TokenStatus.ERROR)));
        assertThat(gateway.totalDeliveries()).isZero();
    }

    @Test
    void unavailableGatewayIsTransientWithItsRetryAfter() {
        gateway.failNext(1, 503, Duration.ofSeconds(7));

        assertThat(client.send(batch("a")))
                .isEqualTo(new Outcome.Transient("gateway answered 503", Duration.ofSeconds(7)));
        assertThat(gateway.totalDeliveries()).isZero();
        assertThat(client.send(batch("a"))).isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void throttlingIsTransient() {
        gateway.failNext(2, 429);

        assertThat(client.send(batch("a"))).isEqualTo(new Outcome.Transient("gateway answered 429", null));
        assertThat(client.send(batch("a"))).isInstanceOf(Outcome.Transient.class);
        assertThat(client.send(batch("a"))).isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void badRequestRejectsTheBatch() {
        gateway.failNext(1, 400);

        assertThat(client.send(batch("a"))).isEqualTo(new Outcome.Rejected("gateway answered 400"));
    }

    @Test
    void slowGatewayIsTransient() {
        client.close();
        client = client("", Duration.ofMillis(200));
        gateway.delay(Duration.ofSeconds(3));

        assertThat(client.send(batch("a")))
                .isInstanceOfSatisfying(
                        Outcome.Transient.class, t -> assertThat(t.reason()).contains("timed out"));
    }

    @Test
    void unreachableGatewayIsTransient() {
        gateway.close();

        assertThat(client.send(batch("a")))
                .isInstanceOfSatisfying(
                        Outcome.Transient.class, t -> assertThat(t.reason()).contains("unreachable"));
    }

    @Test
    void sendsTheConfiguredAuthHeader() {
        gateway.requireHeader("Authorization", "Bearer s3cr3t");

        assertThat(client.send(batch("a"))).isEqualTo(new Outcome.Rejected("gateway answered 401"));
        client.close();
        client = client("Authorization: Bearer s3cr3t", Duration.ofSeconds(5));
        assertThat(client.send(batch("a"))).isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void refusesMoreTokensThanOneRequestCarries() {
        assertThatThrownBy(() -> client.send(batch("a", "b", "c", "d"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(gateway.batches()).isZero();
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");

        assertThat(PushGatewayClient.retryAfter("120", now)).isEqualTo(Duration.ofMinutes(2));
        assertThat(PushGatewayClient.retryAfter("Sun, 01 Mar 2026 12:00:30 GMT", now))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(PushGatewayClient.retryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now))
                .isEqualTo(Duration.ZERO);
        assertThat(PushGatewayClient.retryAfter("99999999999999999999", now)).isEqualTo(Duration.ofDays(1));
        assertThat(PushGatewayClient.retryAfter("soon", now)).isNull();
    }

    @Test
    void keepsTheAuthHeaderOutOfTheConfigurationsText() {
        PushProperties properties = new PushProperties(
                "http://gateway", "Authorization: Bearer s3cr3t", Duration.ofSeconds(2), Duration.ofSeconds(10), 500);

        assertThat(properties.toString()).doesNotContain("s3cr3t").contains("authHeader=<set>");
        assertThatThrownBy(() -> new PushProperties(
                        "http://gateway", "Bearer s3cr3t", Duration.ofSeconds(2), Duration.ofSeconds(10), 500))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("s3cr3t");
    }
}
