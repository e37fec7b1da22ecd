package dev.messagecenter.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.recipient.Channels;
import dev.messagecenter.recipient.PushToken;
import dev.messagecenter.recipient.RecipientDirectory;
import dev.messagecenter.recipient.RecipientDraft;
import dev.messagecenter.testfixtures.FakePushGateway;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Push delivery over the real schema, against the fake gateway. The sender is built here rather
 * than taken from the context, so each test points it at its own gateway and request size.
 */
class PushSenderIT extends ServiceIT {

    private static final DeliveryPackage.Content CONTENT =
            new DeliveryPackage.Content("Heat alert", "Drink water", "safety", false, true);

    @Autowired
    RecipientDirectory directory;

    @Autowired
    JdbcClient jdbc;

    private final FakePushGateway gateway = FakePushGateway.start();
    private final List<PushGatewayClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(PushGatewayClient::close);
        gateway.close();
    }

    private PushSender sender(int maxTokensPerRequest) {
        PushGatewayClient client = new PushGatewayClient(new PushProperties(
                gateway.baseUrl(), "", Duration.ofSeconds(2), Duration.ofSeconds(5), maxTokensPerRequest));
        clients.add(client);
        return new PushSender(jdbc, client);
    }

    private String recipient(String... tokens) {
        String id = unique("push");
        List<PushToken> push = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            push.add(new PushToken(i % 2 == 0 ? "ios" : "android", tokens[i]));
        }
        directory.upsertAll(
                List.of(new RecipientDraft(id, "rider", "push-city", List.of(), null, new Channels(push, null, null))));
        return id;
    }

    private static DeliveryPackage work(long packageId, int attempt, String... recipients) {
        return new DeliveryPackage(packageId, UUID.randomUUID(), "PUSH", attempt, List.of(recipients), CONTENT);
    }

    private static long packageId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static List<String> tokensOf(JsonNode request) {
        List<String> tokens = new ArrayList<>();
        request.path("tokens").forEach(t -> tokens.add(t.path("token").asString()));
        return tokens;
    }

    private Map<String, String> deadTokens(String... tokens) {
        return jdbc
                .sql("select token, recipient_id from dead_push_tokens where token = any(cast(:tokens as text[]))")
                .param("tokens", tokens)
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void reachesEveryDeviceOfActiveRecipients() {
        String phone = unique("tok");
        String tablet = unique("tok");
        String other = unique("tok");
        String asleep = unique("tok");
        String twoDevices = recipient(phone, tablet);
        String oneDevice = recipient(other);
        String noDevice = recipient();
        String inactive = recipient(asleep);
        directory.deactivate(inactive);
        long id = packageId();

        DeliveryResult result =
                sender(500).deliver(work(id, 1, twoDevices, oneDevice, noDevice, inactive, unique("nobody")));

        assertThat(result).isEqualTo(new DeliveryResult.Delivered(2, 0));
        assertThat(gateway.deliveredCount(phone)).isEqualTo(1);
        assertThat(gateway.deliveredCount(tablet)).isEqualTo(1);
        assertThat(gateway.deliveredCount(other)).isEqualTo(1);
        assertThat(gateway.deliveredCount(asleep)).isZero();
        assertThat(gateway.totalDeliveries()).isEqualTo(3);
        assertThat(gateway.batchIds()).containsExactly(id + "-1-0");
        assertThat(gateway.lastRequest().path("data").path("forceRead").asBoolean())
                .isTrue();
    }

    @Test
    void splitsTokensIntoRequestsOfTheConfiguredSize() {
        List<String> recipients = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String a = unique("tok");
            String b = unique("tok");
            tokens.add(a);
            tokens.add(b);
            recipients.add(recipient(a, b));
        }
        long id = packageId();

        DeliveryResult result = sender(3).deliver(work(id, 2, recipients.toArray(String[]::new)));

        assertThat(result).isEqualTo(new DeliveryResult.Delivered(4, 0));
        assertThat(gateway.batchIds()).containsExactly(id + "-2-0", id + "-2-1", id + "-2-2");
        assertThat(gateway.distinctTokens()).isEqualTo(8);
        assertThat(tokens).allSatisfy(t -> assertThat(gateway.deliveredCount(t)).isEqualTo(1));
    }

    @Test
    void storesInvalidTokensDeadAndNeverSendsThemAgain() {
        String good = unique("tok");
        String stale = "invalid-" + unique("tok");
        String onlyStale = "invalid-" + unique("tok");
        String mixed = recipient(good, stale);
        String unreachable = recipient(onlyStale);
        PushSender sender = sender(500);
        long id = packageId();

        DeliveryResult first = sender.deliver(work(id, 1, mixed, unreachable));

        assertThat(first).isEqualTo(new DeliveryResult.Delivered(1, 1));
        assertThat(deadTokens(good, stale, onlyStale)).isEqualTo(Map.of(stale, mixed, onlyStale, unreachable));
        assertThat(tokensOf(gateway.lastRequest())).containsExactlyInAnyOrder(good, stale, onlyStale);

        DeliveryResult again = sender.deliver(work(id, 2, mixed, unreachable));

        assertThat(again).isEqualTo(first);
        assertThat(tokensOf(gateway.lastRequest())).containsExactly(good);
        assertThat(gateway.deliveredCount(good)).isEqualTo(2);
    }

    @Test
    void skipsTheGatewayWhenNoTokenIsLive() {
        String gone = "invalid-" + unique("tok");
        String recipient = recipient(gone);
        PushSender sender = sender(500);
        sender.deliver(work(packageId(), 1, recipient));
        long batchesBefore = gateway.batches();

        DeliveryResult result = sender.deliver(work(packageId(), 1, recipient, recipient()));

        assertThat(result).isEqualTo(new DeliveryResult.Delivered(0, 1));
        assertThat(gateway.batches()).isEqualTo(batchesBefore);
    }

    @Test
    void retriesWhenTheGatewayIsUnavailable() {
        String token = unique("tok");
        String recipient = recipient(token);
        PushSender sender = sender(500);
        gateway.failNext(1, 503, Duration.ofSeconds(30));
        long id = packageId();

        DeliveryResult result = sender.deliver(work(id, 1, recipient));

        assertThat(result)
                .isEqualTo(
                        new DeliveryResult.Retry("push request 1 of 1: gateway answered 503", Duration.ofSeconds(30)));
        assertThat(gateway.totalDeliveries()).isZero();
        assertThat(sender.deliver(work(id, 2, recipient))).isEqualTo(new DeliveryResult.Delivered(1, 0));
        assertThat(gateway.deliveredCount(token)).isEqualTo(1);
    }

    @Test
    void retriesWhenEveryDeviceOfSomeRecipientErred() {
        String erring = recipient("error-" + unique("tok"));
        String fine = recipient("error-" + unique("tok"), unique("tok"));

        DeliveryResult result = sender(500).deliver(work(packageId(), 1, erring, fine));

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Retry.class,
                        retry -> assertThat(retry.reason()).contains("1 recipient"));
    }

    @Test
    void failsThePackageWhenTheGatewayRefusesIt() {
        String recipient = recipient(unique("tok"));
        gateway.failNext(1, 400);

        DeliveryResult result = sender(500).deliver(work(packageId(), 1, recipient));

        assertThat(result).isEqualTo(new DeliveryResult.Failed("push request 1 of 1: gateway answered 400"));
        assertThat(gateway.totalDeliveries()).isZero();
    }
}
