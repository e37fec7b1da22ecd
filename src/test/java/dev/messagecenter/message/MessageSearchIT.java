package dev.messagecenter.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagecenter.testfixtures.ApiClient.Response;
import dev.messagecenter.testfixtures.ServiceIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Which messages a city filter finds: the messages whose segment names the city, with their
 * status as it is now, page after page. Every test uses its own cities, so a city filter sees only
 * the test's own messages.
 */
class MessageSearchIT extends ServiceIT {

    private static String word() {
        return "w" + UUID.randomUUID().toString().replace("-", "");
    }

    private String draft(String title, String audience) {
        Response created = api.postJson("/api/v1/messages", ADMIN_KEY, """
                {"title":"%s","body":"b","audience":%s,"channels":["INBOX"],"draft":true}""".formatted(title, audience));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("id").asString();
    }

    private static String toCities(String... cities) {
        return "{\"kinds\":[\"rider\"],\"cities\":[\"" + String.join("\",\"", cities) + "\"]}";
    }

    private void rider(String id, String city) {
        Response r = api.putJson("/api/v1/recipients/" + id, ADMIN_KEY, """
                {"kind":"rider","city":"%s","channels":{"push":[{"platform":"android","token":"%s-t"}]}}""".formatted(city, id));
        assertThat(r.status()).as("%s", r).isIn(200, 201);
    }

    /** The ids of one page. */
    private List<String> found(String query) {
        return ids(page(query, null));
    }

    /** The ids of every page, following nextCursor. */
    private List<String> everyPage(String query) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = page(query, cursor);
            ids.addAll(ids(page));
            cursor = page.hasNonNull("nextCursor") ? page.path("nextCursor").asString() : null;
        } while (cursor != null);
        return ids;
    }

    private JsonNode page(String query, @Nullable String cursor) {
        Response r = api.get("/api/v1/messages?" + query + (cursor == null ? "" : "&cursor=" + cursor), ADMIN_KEY);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

    @Test
    void aMessageToTwoCitiesIsFoundByEachOfThem() {
        String a = unique("two");
        String b = unique("two");
        String w = word();
        String id = draft(w, toCities(a, b));

        assertThat(found("city=" + a)).containsExactly(id);
        assertThat(found("city=" + b)).containsExactly(id);
        assertThat(found("q=" + w + "&city=" + a + "&status=DRAFT&kind=rider")).containsExactly(id);
        assertThat(found("q=" + w + "&city=" + b + "&kind=merchant")).isEmpty();
        assertThat(found("q=" + w + "&city=" + unique("two"))).isEmpty();
    }

    @Test
    void aCityFindsOnlyMessagesWhoseSegmentNamesIt() {
        String city = unique("named");
        String w = word();
        rider(city + "-1", city);
        String named = draft(w, toCities(city));
        String list = draft(w, "{\"recipients\":[\"" + city + "-1\"]}");
        String everyCity = draft(w, "{\"kinds\":[\"rider\"]}");

        assertThat(found("q=" + w)).containsExactly(everyCity, list, named);
        // why: the city filter has always been segment_cities @> array[city]; a message to every
        // city names none, and a list message has no segment, though its recipient lives there
        assertThat(found("q=" + w + "&city=" + city)).containsExactly(named);
        assertThat(found("city=" + city)).containsExactly(named);
    }

    @Test
    void statusChangesMoveAMessageBetweenStatusFilters() {
        String city = unique("moves");
        rider(city + "-1", city);
        String kept = draft("kept", toCities(city));
        String sent = draft("sent", toCities(city));
        assertThat(found("city=" + city + "&status=DRAFT")).containsExactly(sent, kept);

        assertThat(api.postJson("/api/v1/messages/" + kept + "/cancel", ADMIN_KEY, "")
                        .status())
                .isEqualTo(200);
        assertThat(found("city=" + city + "&status=DRAFT")).containsExactly(sent);
        assertThat(found("city=" + city + "&status=CANCELED")).containsExactly(kept);

        assertThat(api.postJson("/api/v1/messages/" + sent + "/send", ADMIN_KEY, "")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(found("q=sent&city=" + city + "&status=SENT"))
                        .containsExactly(sent));
        assertThat(found("city=" + city + "&status=DRAFT")).isEmpty();
        assertThat(found("city=" + city)).containsExactly(sent, kept);
    }

    @Test
    void editingTheCitiesOfADraftMovesItToTheNewCities() {
        String before = unique("edit");
        String after = unique("edit");
        String id = draft("edited", toCities(before));

        Response edited = api.send(
                "PATCH",
                "/api/v1/messages/" + id,
                ADMIN_KEY,
                "application/json",
                "{\"audience\":" + toCities(after) + "}");

        assertThat(edited.status()).as("%s", edited).isEqualTo(200);
        assertThat(found("city=" + before)).isEmpty();
        assertThat(found("city=" + after + "&status=DRAFT")).containsExactly(id);
    }

    @Test
    void editingTheTitleOfADraftChangesTheWordsThatFindItInACity() {
        String city = unique("words");
        String before = word();
        String after = word();
        String id = draft(before + " notice", toCities(city));

        Response edited = api.send(
                "PATCH",
                "/api/v1/messages/" + id,
                ADMIN_KEY,
                "application/json",
                "{\"title\":\"" + after + " notice\"}");

        assertThat(edited.status()).as("%s", edited).isEqualTo(200);
        assertThat(found("q=" + before + "&city=" + city)).isEmpty();
        assertThat(found("q=" + after + "&city=" + city)).containsExactly(id);
        assertThat(found("q=notice+" + after.toUpperCase() + "&city=" + city + "&status=DRAFT"))
                .containsExactly(id);
    }

    @Test
    void pagesByCityReturnEveryMatchOnceInOrder() {
        String a = unique("page");
        String b = unique("page");
        String w = word();
        Set<String> inA = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String audience = i % 3 == 0 ? toCities(a, b) : i % 3 == 1 ? toCities(a) : toCities(b);
            String id = draft(w + " n" + i, audience);
            if (i % 3 != 2) {
                inA.add(id);
            }
        }
        // why: the order the search without a city gives, which never touches message_cities
        List<String> expected =
                found("q=" + w + "&limit=200").stream().filter(inA::contains).toList();
        assertThat(expected).hasSize(8);

        assertThat(everyPage("city=" + a + "&limit=3")).isEqualTo(expected);
        assertThat(everyPage("q=" + w + "&city=" + a + "&status=DRAFT&limit=3")).isEqualTo(expected);
        assertThat(everyPage("q=" + w + "&city=" + a + "&limit=8")).isEqualTo(expected);
    }
}
