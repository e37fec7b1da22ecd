package dev.messagecenter.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Search over many messages. Creating a million messages through the API would take longer than
 * the benchmark, so this inserts them straight into the {@code messages} table with one
 * {@code insert ... select generate_series} per 100,000 rows: segment messages to 1 to 3 random
 * cities and a random kind set, titles of 5 and bodies of 20 words drawn with a skewed (Zipf-like)
 * distribution from a 500-word vocabulary, statuses 80% SENT and the rest CANCELED, REVOKED or
 * FAILED (nothing the scheduler would pick up), created over the last 365 days. The stored
 * {@code search} column, every index and the {@code message_cities} rows (written by triggers) are
 * maintained by PostgreSQL as for API-created rows. The two tables are then vacuumed and analyzed,
 * as autovacuum would have done to a year of messages.
 * Then it measures {@code GET /api/v1/messages?q=<word>&city=<city>&status=SENT} with a random
 * vocabulary word and city. Run last: these rows are live broadcasts and fill every inbox.
 */
final class SearchScenario {

    private static final int CHUNK = 100_000;
    static final List<String> VOCABULARY = vocabulary();

    static void run(Target target) throws Exception {
        BenchOptions options = target.options();
        long start = System.nanoTime();
        insertMessages(target, options.searchMessages());
        target.detail("search.insertSeconds", (System.nanoTime() - start) / 1e9);
        Random random = target.random();
        IntPredicate search = n -> {
            String word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
            String city = Population.city(random.nextInt(Population.CITIES));
            Http.Response response = target.http()
                    .adminGet("/api/v1/messages?q=" + URLEncoder.encode(word, StandardCharsets.UTF_8) + "&city=" + city
                            + "&status=SENT");
            return response.status() == 200;
        };
        ClosedLoop.warmUp(options, options.searchClients(), search);
        ClosedLoop.Result result =
                ClosedLoop.run(options.searchClients(), Duration.ofMinutes(30), options.searchRequests(), search);
        if (result.errors() > 0) {
            throw new IllegalStateException(result.errors() + " search requests failed");
        }
        target.detail("search.requests", result.ok());
        target.detail("search.maxMs", result.latencies().maxMillis());
        target.figure("search.p50Ms", result.latencies().percentileMillis(50));
        target.figure("search.p99Ms", result.latencies().percentileMillis(99));
    }

    private static void insertMessages(Target target, int count) throws Exception {
        String sql = """
                with v as (select ?::text[] as w)
                insert into messages (id, title, body, category, audience_type, segment_kinds, segment_cities,
                                      channels, lane, status, planned, targeted, created_at, updated_at,
                                      published_at, finished_at)
                select gen_random_uuid(),
                       array_to_string(array(select v.w[1 + floor(power(random(), 2) * 500)::int]
                                             from generate_series(1, 5) where g > 0), ' '),
                       array_to_string(array(select v.w[1 + floor(power(random(), 2) * 500)::int]
                                             from generate_series(1, 20) where g > 0), ' '),
                       (array['safety', 'ops', 'promo', 'general'])[1 + g % 4],
                       'segment',
                       case g % 3 when 0 then array['rider'] when 1 then array['merchant'] else array['merchant', 'rider'] end,
                       array(select distinct 'city-' || lpad(floor(random() * 100)::int::text, 3, '0')
                             from generate_series(1, 1 + (g % 3)) where g > 0),
                       array['INBOX'], 'bulk',
                       case when g % 10 < 8 then 'SENT' when g % 10 = 8 then 'CANCELED'
                            when g % 20 = 9 then 'REVOKED' else 'FAILED' end,
                       true, 0, c.at, c.at, c.at, c.at
                from v, generate_series(?, ?) g,
                     lateral (select now() - random() * interval '365 days' + g * interval '0 s' as at) c
                """;
        try (Connection connection = target.database();
                PreparedStatement insert = connection.prepareStatement(sql);
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            for (int from = 1; from <= count; from += CHUNK) {
                int to = Math.min(count, from + CHUNK - 1);
                insert.setArray(1, connection.createArrayOf("text", VOCABULARY.toArray()));
                insert.setInt(2, from);
                insert.setInt(3, to);
                insert.executeUpdate();
                System.out.printf("  run %d  search: %,d of %,d messages inserted%n", target.run(), to, count);
            }
            // why: these rows stand for a year of messages, which autovacuum would have visited
            // long before anyone searched them: hint bits and the visibility map set, the text
            // index's pending list merged, and the statistics of message_cities (written by the
            // triggers of V5) gathered, from which a search by city is planned. Just inserted, the
            // first searches pay all of that instead (pgbench vacuums before it measures too)
            long vacuum = System.nanoTime();
            statement.execute("vacuum (analyze) messages, message_cities");
            target.detail("search.vacuumSeconds", (System.nanoTime() - vacuum) / 1e9);
        }
    }

    /** 60 common words of the domain first (the most frequent), then made-up words to 500. */
    private static List<String> vocabulary() {
        List<String> words = new ArrayList<>(List.of(
                "order",
                "delivery",
                "rider",
                "merchant",
                "city",
                "rain",
                "storm",
                "bonus",
                "shift",
                "pickup",
                "payment",
                "weekly",
                "summary",
                "safety",
                "helmet",
                "traffic",
                "road",
                "closed",
                "update",
                "app",
                "version",
                "holiday",
                "peak",
                "hours",
                "reward",
                "rating",
                "customer",
                "store",
                "menu",
                "price",
                "promotion",
                "coupon",
                "discount",
                "festival",
                "weather",
                "warning",
                "heat",
                "snow",
                "wind",
                "route",
                "map",
                "zone",
                "station",
                "battery",
                "scooter",
                "insurance",
                "training",
                "policy",
                "account",
                "verify",
                "document",
                "deadline",
                "invoice",
                "settlement",
                "refund",
                "complaint",
                "feedback",
                "survey",
                "night",
                "lunch"));
        String[] syllables = {"ba", "ko", "ri", "mu", "ta", "le", "so", "vi", "ne", "da", "pe", "lo", "gu", "xi"};
        Random random = new Random(42);
        while (words.size() < 500) {
            String word = syllables[random.nextInt(syllables.length)]
                    + syllables[random.nextInt(syllables.length)]
                    + syllables[random.nextInt(syllables.length)];
            if (!words.contains(word)) {
                words.add(word);
            }
        }
        return List.copyOf(words);
    }
}
