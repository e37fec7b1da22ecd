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
 * outlives the lease it was claimed with.
 */
class PackageLeaseIT extends ServiceIT {

    private static final Duration LEASE = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void shortLease(DynamicPropertyRegistry registry) {
        registry.add("mc.test.database-folder", () -> "package-lease");
        registry.add("messagecenter.coordinator.package-lease", () -> LEASE.toMillis() + "ms");
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
        GATEWAY.delay(Duration.ofMillis(1200));
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

    private String status(String id) {
        return api.get("/api/v1/messages/" + id, ADMIN_KEY)
                .json()
                .path("status")
                .asString();
    }
}
