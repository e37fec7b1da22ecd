package dev.messagecenter.platform.security;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import org.junit.jupiter.api.Test;

class AuthorizationIT extends ServiceIT {

    private static final String RIDER = "{\"kind\":\"rider\",\"city\":\"shanghai\"}";

    private String createKey(String scopes) {
        Response created = api.postJson(
                "/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"" + unique("key") + "\",\"scopes\":" + scopes + "}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("key").asString();
    }

    private String rider() {
        String id = unique("rider");
        assertThat(api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, RIDER).status())
                .isEqualTo(201);
        return id;
    }

    @Test
    void noKeyIsUnauthorized() {
        assertProblem(api.get("/api/v1/recipients/x", null)).is(401, "unauthorized");
        assertProblem(api.putJson("/api/v1/recipients/x", null, RIDER)).is(401, "unauthorized");
        assertProblem(api.get("/api/v1/api-keys", null)).is(401, "unauthorized");
    }

    @Test
    void unknownKeyIsUnauthorized() {
        assertProblem(api.get("/api/v1/recipients/x", "mc_not-a-real-key")).is(401, "unauthorized");
        assertProblem(api.send(
                        "GET",
                        "/api/v1/recipients/x",
                        null,
                        null,
                        null,
                        java.util.Map.of("Authorization", "Basic YTpi")))
                .is(401, "unauthorized");
    }

    @Test
    void readKeyReadsButCannotWrite() {
        String id = rider();
        String read = createKey("[\"read\"]");
        assertThat(api.get("/api/v1/recipients/" + id, read).status()).isEqualTo(200);
        assertProblem(api.putJson("/api/v1/recipients/" + id, read, RIDER)).is(403, "forbidden");
        assertProblem(api.delete("/api/v1/recipients/" + id, read)).is(403, "forbidden");
        assertProblem(api.send("POST", "/api/v1/recipients:import", read, "application/x-ndjson", "{}"))
                .is(403, "forbidden");
        assertProblem(api.postJson("/api/v1/api-keys", read, "{\"name\":\"x\",\"scopes\":[\"admin\"]}"))
                .is(403, "forbidden");
        assertProblem(api.postJson("/api/v1/recipients/" + id + "/token", read, ""))
                .is(403, "forbidden");
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY)
                        .json()
                        .path("active")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void sendKeyCannotManageTheDirectoryOrKeys() {
        String send = createKey("[\"send\"]");
        assertProblem(api.putJson("/api/v1/recipients/" + unique("r"), send, RIDER))
                .is(403, "forbidden");
        assertProblem(api.get("/api/v1/api-keys", send)).is(403, "forbidden");
    }

    @Test
    void revokedKeyIsUnauthorized() {
        Response created =
                api.postJson("/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"temp\",\"scopes\":[\"read\",\"send\"]}");
        String key = created.json().path("key").asString();
        String id = created.json().path("id").asString();
        assertThat(api.get("/api/v1/recipients?limit=1", key).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/api-keys/" + id, ADMIN_KEY).status()).isEqualTo(204);

        assertProblem(api.get("/api/v1/recipients?limit=1", key)).is(401, "unauthorized");
        Response listed = api.get("/api/v1/api-keys", ADMIN_KEY);
        assertThat(listed.body()).contains(id).doesNotContain(key);
    }

    @Test
    void keysAreValidatedAndStoredHashed() {
        assertProblem(api.postJson("/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"x\",\"scopes\":[]}"))
                .is(400, "validation-failed")
                .namesField("scopes");
        assertProblem(api.postJson("/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"x\",\"scopes\":[\"root\"]}"))
                .is(400, "validation-failed");
        assertProblem(api.postJson("/api/v1/api-keys", ADMIN_KEY, "{\"scopes\":[\"read\"]}"))
                .is(400, "validation-failed")
                .namesField("name");
        assertProblem(api.postJson("/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"a\\u0000b\",\"scopes\":[\"read\"]}"))
                .is(400, "validation-failed")
                .namesField("name");
        assertProblem(api.delete("/api/v1/api-keys/" + java.util.UUID.randomUUID(), ADMIN_KEY))
                .is(404, "not-found");
        assertProblem(api.delete("/api/v1/api-keys/not-a-uuid", ADMIN_KEY)).is(400, "validation-failed");
    }

    @Test
    void receiverTokenReadsOnlyItsOwnProfile() {
        String id = rider();
        String token = tokenFor(id);
        Response me = api.get("/api/v1/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("id").asString()).isEqualTo(id);
    }

    @Test
    void receiverTokenCannotCallOperatorEndpoints() {
        String token = tokenFor(rider());
        assertProblem(api.get("/api/v1/recipients?limit=1", token)).is(401, "unauthorized");
        assertProblem(api.putJson("/api/v1/recipients/" + unique("r"), token, RIDER))
                .is(401, "unauthorized");
        assertProblem(api.get("/api/v1/api-keys", token)).is(401, "unauthorized");
    }

    @Test
    void apiKeyCannotCallReceiverEndpoints() {
        assertProblem(api.get("/api/v1/me", ADMIN_KEY)).is(401, "unauthorized");
        assertProblem(api.get("/api/v1/me", null)).is(401, "unauthorized");
    }

    @Test
    void tamperedOrExpiredTokensAreRejected() {
        String token = tokenFor(rider());
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertProblem(api.get("/api/v1/me", tampered)).is(401, "unauthorized");
        assertProblem(api.postJson("/api/v1/recipients/" + rider() + "/token?ttl=PT48H", ADMIN_KEY, ""))
                .is(400, "validation-failed")
                .namesField("ttl");
        assertProblem(api.postJson("/api/v1/recipients/" + rider() + "/token?ttl=soon", ADMIN_KEY, ""))
                .is(400, "validation-failed")
                .namesField("ttl");
    }
}
