package dev.messagecenter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recount from the source tables equals what the counters accumulated, one first transition
 * at a time, over real sends on the embedded default: a segment broadcast stored once for the
 * inbox with pushes rejected and reads and acks, and a list send whose package is dead-lettered.
 */
class CounterTruthIT extends ServiceIT {

    @Autowired
    Counters counters;

    @Autowired
    CounterTruth truth;

    private void rider(String id, String city, String token) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"%s","channels":{"push":[{"platform":"android","token":"%s"}]}}""".formatted(city, token));
        assertThat(r.status()).as("%s", r).isIn(200, 201);
    }

    private UUID send(String body) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, body);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return UUID.fromString(created.json().path("id").asString());
    }

    private void awaitStatus(UUID id, String status) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api.get("/api/v1/messages/" + id, ADMIN_KEY)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo(status));
    }

    @Test
    void recountOfABroadcastEqualsTheCountersAfterItIsSent() {
        String city = unique("truth");
        for (int i = 0; i < 620; i++) {
            rider(city + "-r" + i, city, (i % 50 == 0 ? "invalid-" : "") + city + "-tok-" + i);
        }
        UUID id = send("""
                {"title":"Truth","body":"b","audience":{"kinds":["rider"],"cities":["%s"]},
                 "channels":["INBOX","PUSH"],"forceRead":true}""".formatted(city));
        awaitStatus(id, "SENT");
        for (int i = 0; i < 5; i++) {
            String token = tokenFor(city + "-r" + i);
            Response read = api.postJson("/api/v1/inbox/" + id + "/read", token, "");
            assertThat(read.status()).as("%s", read).isEqualTo(204);
            // why: a second read is not a first transition and must not move either side
            api.postJson("/api/v1/inbox/" + id + "/read", token, "");
            if (i % 2 == 0) {
                assertThat(api.postJson("/api/v1/inbox/" + id + "/ack", token, "")
                                .status())
                        .isEqualTo(204);
            }
        }
        assertThat(api.postJson("/api/v1/inbox/" + id + "/ack", tokenFor(city + "-r9"), "")
                        .status())
                .isEqualTo(204);

        Map<String, Long> recount = truth.recount(id).counters();

        assertThat(recount)
                .containsEntry("delivered.INBOX", 620L)
                .containsEntry("delivered.PUSH", 607L)
                .containsEntry(Counters.FAILED, 13L)
                .containsEntry(Counters.READ, 6L)
                .containsEntry(Counters.ACKED, 4L);
        assertThat(recount).isEqualTo(nonZero(counters.totals(id)));
        assertThat(truth.finished(id)).isTrue();
    }

    @Test
    void recountOfADeadLetteredListSendEqualsTheCounters() {
        String city = unique("truthdl");
        rider(city + "-1", city, city + "-t1");
        rider(city + "-2", city, city + "-t2");
        GATEWAY.failNext(1, 400);
        UUID id = send("""
                {"title":"t","body":"b","audience":{"recipients":["%1$s-1","%1$s-2"]},"channels":["PUSH","INBOX"]}""".formatted(city));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(truth.finished(id)).isTrue());

        Map<String, Long> recount = truth.recount(id).counters();

        assertThat(recount)
                .containsEntry("delivered.INBOX", 2L)
                .containsEntry(Counters.FAILED, 2L)
                .doesNotContainKey("delivered.PUSH");
        assertThat(recount).isEqualTo(nonZero(counters.totals(id)));
    }

    private static Map<String, Long> nonZero(Map<String, Long> totals) {
        Map<String, Long> nonZero = new java.util.HashMap<>(totals);
        nonZero.values().removeIf(value -> value == 0);
        return nonZero;
    }
}
