package dev.messagecenter.delivery.push;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A token the gateway once called invalid is skipped from then on, until an operator revives the
 * tokens marked dead in a window (a gateway that was misconfigured for that time).
 */
class DeadPushTokenIT extends ServiceIT {

    @Test
    void aRevivedTokenIsSentToAgain() {
        String rider = unique("revive");
        String token = rider + "-t";
        Response created = api.putJson("/api/v1/recipients/" + rider, ADMIN_KEY, """
                {"kind":"rider","city":"c-%s","channels":{"push":[{"platform":"ios","token":"%s"}]}}""".formatted(rider, token));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        Instant misconfigured = Instant.now().minusSeconds(1);
        GATEWAY.rejectTokens(Set.of(token));

        JsonNode refused = sendAndAwaitSent(rider);
        assertThat(refused.path("failed").asLong()).isEqualTo(1);
        GATEWAY.acceptTokens(Set.of(token));
        JsonNode skipped = sendAndAwaitSent(rider);
        assertThat(skipped.path("failed").asLong())
                .as("a dead token is not sent to")
                .isEqualTo(1);
        assertThat(GATEWAY.deliveredCount(token)).isZero();

        Response revived =
                api.postJson("/api/v1/dead-push-tokens:revive", ADMIN_KEY, """
                {"markedAfter":"%s","recipientId":"%s"}""".formatted(misconfigured, rider));
        assertThat(revived.status()).as("%s", revived).isEqualTo(200);
        assertThat(revived.json().path("revived").asLong()).isEqualTo(1);

        JsonNode delivered = sendAndAwaitSent(rider);
        assertThat(delivered.path("delivered").path("PUSH").asLong()).isEqualTo(1);
        assertThat(GATEWAY.deliveredCount(token)).isEqualTo(1);
    }

    @Test
    void aReviveNeedsTheStartOfItsWindowAndTheAdminScope() {
        assertProblem(api.postJson("/api/v1/dead-push-tokens:revive", ADMIN_KEY, "{}"))
                .is(400, "validation-failed")
                .namesField("markedAfter");
        assertProblem(api.postJson("/api/v1/dead-push-tokens:revive", ADMIN_KEY, """
                        {"markedAfter":"2026-12-03T10:00:00Z","markedBefore":"2026-12-03T09:00:00Z"}"""))
                .is(400, "validation-failed")
                .namesField("markedBefore");
        assertProblem(api.postJson("/api/v1/dead-push-tokens:revive", ADMIN_KEY, """
                        {"markedAfter":"yesterday"}"""))
                .is(400, "validation-failed")
                .namesField("markedAfter");

        Response key = api.postJson("/api/v1/api-keys", ADMIN_KEY, """
                {"name":"%s","scopes":["send"]}""".formatted(unique("sender")));
        assertThat(key.status()).as("%s", key).isEqualTo(201);
        assertProblem(api.postJson(
                        "/api/v1/dead-push-tokens:revive",
                        key.json().path("key").asString(),
                        """
                        {"markedAfter":"2026-12-03T10:00:00Z"}"""))
                .is(403, "forbidden");
    }

    private JsonNode sendAndAwaitSent(String rider) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"Shift starts","body":"At nine","audience":{"recipients":["%s"]},"channels":["PUSH"]}""".formatted(rider));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/messages/" + id, ADMIN_KEY)
                        .json()
                        .path("status")
                        .asString()
                        .equals("SENT"));
        return api.get("/api/v1/messages/" + id + "/stats", ADMIN_KEY).json();
    }
}
