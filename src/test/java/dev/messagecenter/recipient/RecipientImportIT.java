package dev.messagecenter.recipient;

import static dev.messagecenter.testfixtures.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class RecipientImportIT extends ServiceIT {

    @Autowired
    RecipientDirectory directory;

    private Response importNdjson(String body) {
        return api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "application/x-ndjson", body);
    }

    private Response importCsv(String body) {
        return api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "text/csv", body);
    }

    @Test
    void importsNdjsonAndCountsNewAndUpdated() {
        String p = unique("nd");
        String body = """
                {"id":"%1$s-1","kind":"rider","city":"wuhan","tags":["ev"],"channels":{"push":[{"platform":"android","token":"t1"}]}}
                {"id":"%1$s-2","kind":"merchant","city":"wuhan"}

                {"id":"%1$s-3","kind":"rider","city":"hefei","locale":"en"}
                """.formatted(p);
        JsonNode first = importNdjson(body).json();
        assertThat(first.path("imported").asLong()).isEqualTo(3);
        assertThat(first.path("updated").asLong()).isZero();
        assertThat(first.path("rejected").asLong()).isZero();

        JsonNode second = importNdjson(body).json();
        assertThat(second.path("imported").asLong()).isZero();
        assertThat(second.path("updated").asLong()).isEqualTo(3);

        Response stored = api.get("/api/v1/recipients/" + p + "-1", ADMIN_KEY);
        assertThat(stored.json()
                        .path("channels")
                        .path("push")
                        .get(0)
                        .path("token")
                        .asString())
                .isEqualTo("t1");
    }

    @Test
    void aTagSpelledNullIsATagLikeAnyOther() {
        String p = unique("nulltag");
        JsonNode report = importNdjson("""
                {"id":"%s-1","kind":"rider","city":"%s","tags":["null","vip"]}
                """.formatted(p, p)).json();
        assertThat(report.path("imported").asLong()).isEqualTo(1);

        assertThat(api.get("/api/v1/recipients/" + p + "-1", ADMIN_KEY)
                        .json()
                        .path("tags")
                        .toString())
                .isEqualTo("[\"null\",\"vip\"]");
        assertThat(api.get("/api/v1/recipients?city=" + p + "&tag=null", ADMIN_KEY)
                        .body())
                .contains(p + "-1");
    }

    @Test
    void rejectsMalformedLinesWithTheirNumbersAndImportsTheRest() {
        String p = unique("nd");
        String body = """
                {"id":"%1$s-1","kind":"rider","city":"wuhan"}
                {"id":"%1$s-2","kind":"rider"
                not json at all
                {"id":"%1$s-4","kind":"rider","city":"wuhan","colour":"red"}
                {"id":"%1$s-5","kind":"Rider","city":"wuhan"}
                {"id":"%1$s-6","kind":"rider","city":"wuhan","tags":"ev"}
                [1,2]
                {"id":"%1$s-8","kind":"rider","city":"wuhan"}
                """.formatted(p);
        JsonNode report = importNdjson(body).json();
        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("rejected").asLong()).isEqualTo(6);
        JsonNode errors = report.path("errors");
        assertThat(errors.size()).isEqualTo(6);
        assertThat(errors.get(0).path("line").asLong()).isEqualTo(2);
        assertThat(errors.get(1).path("line").asLong()).isEqualTo(3);
        assertThat(errors.get(2).path("reason").asString()).contains("colour");
        assertThat(errors.get(3).path("reason").asString()).contains("kind");
        assertThat(errors.get(4).path("reason").asString()).contains("tags");
        assertThat(errors.get(5).path("line").asLong()).isEqualTo(7);
        assertThat(api.get("/api/v1/recipients/" + p + "-8", ADMIN_KEY).status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/recipients/" + p + "-5", ADMIN_KEY).status())
                .isEqualTo(404);
    }

    @Test
    void aLineWithANulCharacterIsRejectedAndTheRestImported() {
        String p = unique("nul");
        String ndjson = """
                {"id":"%1$s-1","kind":"rider","city":"wuhan"}
                {"id":"%1$s-2","kind":"rider","city":"wuhan","channels":{"email":"a\\u0000@b.co"}}
                {"id":"%1$s-3","kind":"rider","city":"wuhan"}
                """.formatted(p);
        JsonNode report = importNdjson(ndjson).json();
        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("rejected").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(2);
        assertThat(report.path("errors").get(0).path("reason").asString()).contains("channels.email", "NUL");

        String csv = "id,kind,city,email\n%1$s-4,rider,wuhan,\n%1$s-5,rider,wuhan,a\0@b.co\n".formatted(p);
        JsonNode csvReport = importCsv(csv).json();
        assertThat(csvReport.path("imported").asLong()).isEqualTo(1);
        assertThat(csvReport.path("rejected").asLong()).isEqualTo(1);
        assertThat(csvReport.path("errors").get(0).path("line").asLong()).isEqualTo(3);

        for (String stored : List.of("-1", "-3", "-4")) {
            assertThat(api.get("/api/v1/recipients/" + p + stored, ADMIN_KEY).status())
                    .isEqualTo(200);
        }
        for (String refused : List.of("-2", "-5")) {
            assertThat(api.get("/api/v1/recipients/" + p + refused, ADMIN_KEY).status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aBatchPostgresRefusesFailsWithoutQuotingItsRows() {
        String id = unique("copy");
        String token = unique("secret-token");
        RecipientDraft unchecked = new RecipientDraft(
                id,
                "rider",
                "wuhan",
                List.of(),
                null,
                new Channels(List.of(new PushToken("ios", token)), "a\0@b.co", null));
        Throwable failure = catchThrowable(() -> directory.upsertAll(List.of(unchecked)));
        assertThat(failure).isNotNull();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(token, "b.co");
        }
        assertThat(directory.find(id)).isEmpty();
    }

    @Test
    void laterLinesForTheSameIdWin() {
        String id = unique("dup");
        JsonNode report = importNdjson("""
                        {"id":"%1$s","kind":"rider","city":"wuhan"}
                        {"id":"%1$s","kind":"rider","city":"hefei"}
                        """.formatted(id)).json();
        assertThat(report.path("imported").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY)
                        .json()
                        .path("city")
                        .asString())
                .isEqualTo("hefei");
    }

    @Test
    void capsTheReportedErrors() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            body.append("garbage\n");
        }
        JsonNode report = importNdjson(body.toString()).json();
        assertThat(report.path("rejected").asLong()).isEqualTo(150);
        assertThat(report.path("errors").size()).isEqualTo(100);
    }

    @Test
    void rejectsOverlongLines() {
        String id = unique("long");
        String body = "{\"id\":\"" + id + "\",\"kind\":\"rider\",\"city\":\"x\",\"locale\":\"" + "a".repeat(20_000)
                + "\"}\n{\"id\":\"" + id + "\",\"kind\":\"rider\",\"city\":\"x\"}\n";
        JsonNode report = importNdjson(body).json();
        assertThat(report.path("rejected").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("reason").asString()).contains("longer than");
        assertThat(report.path("imported").asLong()).isEqualTo(1);
    }

    @Test
    void importsCsvWithAHeaderRow() {
        String p = unique("csv");
        String body = """
                id,kind,city,tags,locale,email,push
                %1$s-1,rider,wuhan,ev|vip,en,a@example.com,ios:tok-a|android:tok-b
                "%1$s-2",merchant,"wuhan",,,,
                %1$s-3,rider
                %1$s-4,rider,"unterminated
                %1$s-5,rider,wuhan,,,,bad-pair
                """.formatted(p);
        JsonNode report = importCsv(body).json();
        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("rejected").asLong()).isEqualTo(3);
        assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(4);
        JsonNode stored = api.get("/api/v1/recipients/" + p + "-1", ADMIN_KEY).json();
        assertThat(stored.path("tags").toString()).isEqualTo("[\"ev\",\"vip\"]");
        assertThat(stored.path("channels").path("push").size()).isEqualTo(2);
        assertThat(stored.path("channels").path("email").asString()).isEqualTo("a@example.com");
    }

    @Test
    void badCsvHeaderStoresNothing() {
        String id = unique("csv");
        assertProblem(importCsv("id,kind,town\n" + id + ",rider,wuhan\n"))
                .is(400, "validation-failed")
                .namesField("header")
                .detailContains("town");
        assertProblem(importCsv("id,kind\n" + id + ",rider\n"))
                .is(400, "validation-failed")
                .detailContains("city");
        assertThat(api.get("/api/v1/recipients/" + id, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    void importNeedsAKnownFormat() {
        assertProblem(api.send("POST", "/api/v1/recipients:import", ADMIN_KEY, "application/json", "[]"))
                .is(415, "unsupported-media-type");
    }
}
