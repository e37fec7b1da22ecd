package dev.messagecenter.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ApiClient.Response;

/** Generates recipient uploads for tests: riders with one push token each, spread over cities. */
public final class Riders {

    private Riders() {}

    /**
     * NDJSON for {@code count} riders {@code <prefix>r<i>} in cities {@code <prefix>c<i % cities>},
     * each with the push token {@code <prefix>t<i>}.
     */
    public static String ndjson(String prefix, int count, int cities) {
        StringBuilder lines = new StringBuilder(count * 110);
        for (int i = 0; i < count; i++) {
            lines.append("{\"id\":\"")
                    .append(prefix)
                    .append('r')
                    .append(i)
                    .append("\",\"kind\":\"rider\",\"city\":\"")
                    .append(prefix)
                    .append('c')
                    .append(i % cities)
                    .append("\",\"channels\":{\"push\":[{\"platform\":\"android\",\"token\":\"")
                    .append(prefix)
                    .append('t')
                    .append(i)
                    .append("\"}]}}\n");
        }
        return lines.toString();
    }

    /** The JSON array of the cities {@link #ndjson} spreads riders over. */
    public static String citiesJson(String prefix, int cities) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < cities; i++) {
            json.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(prefix)
                    .append('c')
                    .append(i)
                    .append('"');
        }
        return json.append(']').toString();
    }

    /**
     * Imports {@link #ndjson} riders through the API, then broadcasts one INBOX and PUSH message
     * to all of them (every city of the upload); returns the message id.
     */
    public static String importAndBroadcast(ApiClient api, String prefix, int count, int cities, String title) {
        Response imported = api.send(
                "POST",
                "/api/v1/recipients:import",
                ServiceProcess.ADMIN_KEY,
                "application/x-ndjson",
                ndjson(prefix, count, cities));
        assertThat(imported.json().path("imported").asLong()).as("%s", imported).isEqualTo(count);
        Response created = api.postJson(
                "/api/v1/messages",
                ServiceProcess.ADMIN_KEY,
                "{\"title\":\"" + title + "\",\"body\":\"b\",\"audience\":{\"kinds\":[\"rider\"]," + "\"cities\":"
                        + citiesJson(prefix, cities) + "},\"channels\":[\"INBOX\",\"PUSH\"]}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("id").asString();
    }
}
