package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker's hold on its packages: a batch delivered one package at a time to a slow gateway
 * outlives the lease it was claimed with, and so does one package of many devices sent in several
 * requests. The gateway takes 1.5 s a request against a lease of 4 s; the expired leases are swept
 * every 5 s, so without renewal some packages are surely handed out again and pushed twice.
 */
class PackageLeaseIT extends ServiceIT {

    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration GATEWAY_DELAY = Duration.ofMillis(1500);

    @DynamicPropertySource
    static void shortLease(DynamicPropertyRegistry registry) {
        registry.add("mc.test.database-folder", () -> "package-lease");
        registry.add("messagecenter.coordinator.package-lease", () -> LEASE.toMillis() + "ms");
        registry.add("messagecenter.push.max-tokens-per-request", () -> "1");
        registry.add("messagecenter.push.request-timeout", () -> "5s");
    }

    @AfterEach
    void gatewayAtFullSpeed() {
        GATEWAY.delay(Duration.ZERO);
    }

    @Test
    void aBatchSentOneByOneToASlowGatewayPushesEachPackageOnce() {
        String prefix = unique("slow");
        List<String> ids = new ArrayList<>();
        // why: sent at one instant, the eight sends are planned together and one worker claims
        // them as one batch; at 1.2 s a push, the last ones start long after the batch's lease
        String sendAt =
                Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS).toString();
        for (int i = 0; i < 8; i++) {
            Response rider =
                    api.putJson("/api/v1/recipients/" + prefix + "-" + i, ADMIN_KEY, """
                    {"kind":"rider","city":"%s","channels":{"push":[{"platform":"android","token":"%s-t%d"}]}}""".formatted(prefix, prefix, i));
            assertThat(rider.status()).as("%s", rider).isEqualTo(201);
        }
        GATEWAY.delay(GATEWAY_DELAY);
        for (int i = 0; i < 8; i++) {
            Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                    {"title":"Order %d","body":"On its way","audience":{"recipients":["%s-%d"]},
                     "channels":["PUSH"],"sendAt":"%s"}""".formatted(i, prefix, i, sendAt));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            ids.add(created.json().path("id").asString());
        }

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() ->
                        assertThat(ids.stream().map(this::status).toList()).containsOnly("SENT"));

        for (int i = 0; i < 8; i++) {
            assertThat(GATEWAY.deliveredCount(prefix + "-t" + i))
                    .as("pushes to token %d", i)
                    .isEqualTo(1);
        }
    }

    @Test
    void aPackageSentInMoreRequestsThanItsLeaseLastsPushesEachDeviceOnce() {
        String recipient = unique("devices");
        StringBuilder devices = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            devices.append(i == 0 ? "" : ",")
                    .append("{\"platform\":\"android\",\"token\":\"%s-t%d\"}".formatted(recipient, i));
        }
        Response rider = api.putJson("/api/v1/recipients/" + recipient, ADMIN_KEY, """
                {"kind":"rider","city":"c","channels":{"push":[%s]}}""".formatted(devices));
        assertThat(rider.status()).as("%s", rider).isEqualTo(201);
        GATEWAY.delay(GATEWAY_DELAY);

        // why: one request per device (max-tokens-per-request 1): 12 s for the one package
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Shift","body":"Starts at 9","audience":{"recipients":["%s"]},"channels":["PUSH"]}""".formatted(recipient));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status(id).equals("SENT"));
        for (int i = 0; i < 8; i++) {
            assertThat(GATEWAY.deliveredCount(recipient + "-t" + i))
                    .as("pushes to device %d", i)
                    .isEqualTo(1);
        }
    }

    private String status(String id) {
        return api.get("/api/v1/messages/" + id, ADMIN_KEY)
                .json()
                .path("status")
                .asString();
    }
}
