package dev.messagecenter.recipient;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientApiIT extends ServiceIT {

    private static final String RIDER = """
            {"kind":"rider","city":"shanghai","tags":["ev","vip"],"locale":"zh-CN",
             "channels":{"push":[{"platform":"ios","token":"tok-1"}],"email":"a@example.com",
                         "webhook":"https://hooks.example.com/r"}}
            """;

    @Test
    void upsertCreatesThenUpdates() {
        String id = unique("rider");
        Response created = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, RIDER);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/recipients/" + id);
        assertThat(created.json().path("tags").toString()).isEqualTo("[\"ev\",\"vip\"]");
        assertThat(created.json()
                        .path("channels")
                        .path("push")
                        .get(0)
                        .path("token")
                        .asString())
                .isEqualTo("tok-1");

        Response updated = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"beijing"}""");
        assertThat(updated.status()).isEqualTo(200);

        Response read = api.get("/api/v1/recipients/" + id, ADMIN_KEY);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("city").asString()).isEqualTo("beijing");
        assertThat(read.json().path("tags").size()).isZero();
        assertThat(read.json().path("active").asBoolean()).isTrue();
    }

    @Test
    void deactivateKeepsTheRecipientButStopsItReceiving() {
        String id = unique("rider");
        api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, RIDER);

        assertThat(api.delete("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(204);

        Response read = api.get("/api/v1/recipients/" + id, ADMIN_KEY);
        assertThat(read.json().path("active").asBoolean()).isFalse();
        assertThat(api.postJson("/api/v1/recipients/" + id + "/token", ADMIN_KEY, "")
                        .status())
                .isEqualTo(404);

        Response reactivated = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, RIDER);
        assertThat(reactivated.json().path("active").asBoolean()).isTrue();
    }

    @Test
    void unknownRecipientIsNotFound() {
        assertProblem(api.get("/api/v1/recipients/" + unique("nobody"), ADMIN_KEY))
                .is(404, "not-found");
        assertProblem(api.delete("/api/v1/recipients/" + unique("nobody"), ADMIN_KEY))
                .is(404, "not-found");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing kind       | {"city":"shanghai"}                                          | kind
            missing city       | {"kind":"rider"}                                             | city
            uppercase kind     | {"kind":"Rider","city":"shanghai"}                           | kind
            kind too long      | {"kind":"riderriderriderriderriderriderrider","city":"x"}   | kind
            bad tag            | {"kind":"rider","city":"x","tags":["has space"]}             | tags[0]
            bad locale         | {"kind":"rider","city":"x","locale":"not a locale"}          | locale
            bad email          | {"kind":"rider","city":"x","channels":{"email":"nope"}}      | channels.email
            bad webhook        | {"kind":"rider","city":"x","channels":{"webhook":"ftp://x"}} | channels.webhook
            push without token | {"kind":"rider","city":"x","channels":{"push":[{"platform":"ios"}]}} | channels.push[0].token
            wrong type         | {"kind":"rider","city":"x","tags":5}                         | tags
            nul in kind        | {"kind":"ri\\u0000der","city":"x"}                          | kind
            nul in a tag       | {"kind":"rider","city":"x","tags":["e\\u0000v"]}             | tags[0]
            nul in locale      | {"kind":"rider","city":"x","locale":"e\\u0000n"}             | locale
            nul in email       | {"kind":"rider","city":"x","channels":{"email":"a\\u0000@b.co"}} | channels.email
            nul in webhook     | {"kind":"rider","city":"x","channels":{"webhook":"https://x.io/\\u0000"}} | channels.webhook
            nul in push token  | {"kind":"rider","city":"x","channels":{"push":[{"platform":"ios","token":"t\\u0000"}]}} | channels.push[0].token
            wrong nested type  | {"kind":"rider","city":"x","channels":{"push":"tok"}}        | channels.push
            """)
    void invalidBodiesAreRejectedNamingTheField(String name, String body, String field) {
        String id = unique("bad");
        assertProblem(api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, body))
                .is(400, "validation-failed")
                .namesField(field);
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    void unknownFieldIsRejected() {
        String id = unique("bad");
        assertProblem(api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                        {"kind":"rider","city":"x","colour":"red"}"""))
                .is(400, "unknown-field")
                .namesField("colour");
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    void tooManyTagsAreRejected() {
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i <= RecipientRules.MAX_TAGS; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        assertProblem(api.putJson(
                        "/api/v1/recipients/" + unique("bad"),
                        ADMIN_KEY,
                        "{\"kind\":\"rider\",\"city\":\"x\",\"tags\":[" + tags + "]}"))
                .is(400, "validation-failed")
                .namesField("tags");
    }

    @Test
    void malformedJsonIsRejected() {
        assertProblem(api.putJson("/api/v1/recipients/" + unique("bad"), ADMIN_KEY, "{\"kind\":"))
                .is(400, "malformed-body");
    }

    @Test
    void badIdInPathIsRejected() {
        assertProblem(api.putJson("/api/v1/recipients/-starts-with-dash", ADMIN_KEY, RIDER))
                .is(400, "validation-failed")
                .namesField("id");
        assertProblem(api.putJson("/api/v1/recipients/" + "x".repeat(129), ADMIN_KEY, RIDER))
                .is(400, "validation-failed")
                .namesField("id");
    }

    @Test
    void oversizedBodyIsRejected() {
        String id = unique("big");
        String huge = "{\"kind\":\"rider\",\"city\":\"x\",\"locale\":\"" + "a".repeat(1_100_000) + "\"}";
        assertProblem(api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, huge)).is(413, "payload-too-large");
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    void oversizedChunkedBodyIsRejected() throws Exception {
        String id = unique("chunked");
        byte[] huge = ("{\"kind\":\"rider\",\"city\":\"x\",\"locale\":\"" + "a".repeat(1_100_000) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/api/v1/recipients/" + id))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                // why: a stream of unknown length goes out chunked, without Content-Length
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge)))
                .build();
        var response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("payload-too-large");
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    void wrongMediaTypeIsRejected() {
        assertProblem(api.send("PUT", "/api/v1/recipients/" + unique("x"), ADMIN_KEY, "application/xml", "<a/>"))
                .is(415, "unsupported-media-type");
    }

    @Test
    void wrongMethodAndUnknownPathAnswerWithProblems() {
        assertProblem(api.send("PATCH", "/api/v1/recipients/" + unique("x"), ADMIN_KEY, "application/json", "{}"))
                .is(405, "method-not-allowed");
        assertProblem(api.get("/api/v1/no-such-thing", ADMIN_KEY)).is(404, "not-found");
        assertProblem(api.get("/api/v1/recipients//x", ADMIN_KEY)).is(400, "validation-failed");
    }

    @Test
    void listingValidatesItsParameters() {
        assertProblem(api.get("/api/v1/recipients?limit=501", ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("limit");
        assertProblem(api.get("/api/v1/recipients?city=Not%20A%20City", ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("city");
        assertProblem(api.get("/api/v1/recipients?cursor=bm9wZQ", ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("cursor");
        assertProblem(api.get("/api/v1/recipients?limit=ten", ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("limit");
        String nulCursor =
                Base64.getUrlEncoder().withoutPadding().encodeToString("sh\0x\nr1".getBytes(StandardCharsets.UTF_8));
        assertProblem(api.get("/api/v1/recipients?cursor=" + nulCursor, ADMIN_KEY))
                .is(400, "validation-failed")
                .namesField("cursor");
    }

    @Test
    void listingPagesThroughASegment() {
        String city = unique("city");
        for (int i = 0; i < 5; i++) {
            api.putJson(
                    "/api/v1/recipients/" + city + "-r" + i,
                    ADMIN_KEY,
                    "{\"kind\":\"rider\",\"city\":\"" + city + "\"}");
        }
        api.putJson(
                "/api/v1/recipients/" + city + "-m", ADMIN_KEY, "{\"kind\":\"merchant\",\"city\":\"" + city + "\"}");

        Response first = api.get("/api/v1/recipients?kind=rider&city=" + city + "&limit=3", ADMIN_KEY);
        assertThat(first.json().path("items").size()).isEqualTo(3);
        String cursor = first.json().path("nextCursor").asString();
        Response second =
                api.get("/api/v1/recipients?kind=rider&city=" + city + "&limit=3&cursor=" + cursor, ADMIN_KEY);
        assertThat(second.json().path("items").size()).isEqualTo(2);
        assertThat(second.json().has("nextCursor")).isFalse();
        assertThat(second.json().path("items").get(1).path("id").asString()).isEqualTo(city + "-r4");
    }
}
