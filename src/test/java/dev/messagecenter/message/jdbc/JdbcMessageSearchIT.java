package dev.messagecenter.message.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.message.Audience;
import dev.messagecenter.message.Lane;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageDraft;
import dev.messagecenter.message.MessageQuery;
import dev.messagecenter.message.MessageStatus;
import dev.messagecenter.recipient.Segment;
import dev.messagecenter.testfixtures.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Search by city walks {@code message_cities}; these tests hold it to what the city filter has
 * always meant, {@code segment_cities @> array[city]} on {@code messages}, over messages written
 * every way they are written: one at a time through the store, many in one SQL statement as the
 * benchmark loads them, status changes one at a time and in bulk, edits of the cities, deletes.
 */
class JdbcMessageSearchIT {

    private static final List<String> CITIES = List.of("c0", "c1", "c2", "c3");
    private static final List<String> KINDS = List.of("rider", "merchant");
    private static final List<String> WORDS = List.of("storm", "rain", "bonus", "shift");
    private static final List<String> CATEGORIES = List.of("ops", "promo");
    // why: plain words are narrowed by the city rows' word signatures (V8), the other forms are not,
    // and every form must find what the text test alone finds
    private static final List<String> TEXTS = List.of(
            "storm",
            "rain",
            "bonus",
            "shift",
            "Storm  rain",
            "bulk storm",
            "storm or rain",
            "-storm",
            "\"storm rain\"",
            "rain -bonus",
            "storm-rain",
            "hail");

    private static HikariDataSource database;
    private static JdbcClient jdbc;
    private static JdbcMessageStore store;

    @BeforeAll
    static void messagesWrittenEveryWay() {
        database = TestDatabase.fresh();
        jdbc = JdbcClient.create(database);
        store = new JdbcMessageStore(jdbc, new JdbcTemplate(database));
        Random random = new Random(20261122);
        UUID list = UUID.randomUUID();
        jdbc.sql("insert into audiences (id, size) values (:id, 2)")
                .param("id", list)
                .update();

        List<UUID> stored = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            UUID id = UUID.randomUUID();
            store.insert(id, draft(random, random.nextInt(8) == 0 ? list : null), MessageStatus.DRAFT);
            stored.add(id);
        }
        // why: one statement for many rows, created at shared instants (ties broken by id), some
        // naming a city twice, as nothing in SQL forbids it
        jdbc.sql("""
                        insert into messages (id, title, body, category, audience_type, segment_kinds, segment_cities,
                                              channels, lane, status, created_at)
                        select gen_random_uuid(), 'bulk ' || (array['storm', 'rain', 'bonus'])[1 + g % 3], 'b',
                               (array['ops', 'promo'])[1 + g % 2], 'segment', array['rider'],
                               case g % 5 when 0 then '{}'::text[] when 1 then array['c1', 'c1']
                                          when 2 then array['c0', 'c2', 'c3'] else array['c' || (g % 4)] end,
                               array['INBOX'], 'bulk', (array['SENT', 'FAILED', 'CANCELED'])[1 + g % 3],
                               now() - (g % 40) * interval '1 minute'
                        from generate_series(1, 300) g
                        """).update();

        for (UUID id : stored) {
            switch (random.nextInt(4)) {
                case 0 -> store.transition(id, MessageStatus.DRAFT, MessageStatus.CANCELED);
                case 1 -> {
                    store.transition(id, MessageStatus.DRAFT, MessageStatus.SCHEDULED);
                    store.transition(id, MessageStatus.SCHEDULED, MessageStatus.SENDING);
                    store.transition(id, MessageStatus.SENDING, MessageStatus.SENT);
                }
                case 2 -> store.replace(id, draft(random, null));
                default -> {}
            }
        }
        jdbc.sql("update messages set status = 'REVOKED' where status = 'SENT' and title like '%rain%'")
                .update();
        jdbc.sql("delete from messages where id in (select id from messages order by id limit 20)")
                .update();
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    private static MessageDraft draft(Random random, @Nullable UUID list) {
        List<String> cities = new ArrayList<>();
        for (String city : CITIES) {
            if (random.nextInt(3) == 0) {
                cities.add(city);
            }
        }
        Audience audience = list != null
                ? new Audience.ListAudience(list, 2)
                : new Audience.SegmentAudience(
                        Segment.of(List.of(KINDS.get(random.nextInt(KINDS.size()))), cities, List.of()));
        String text = WORDS.get(random.nextInt(WORDS.size())) + " " + WORDS.get(random.nextInt(WORDS.size()));
        return new MessageDraft(
                text,
                "body",
                CATEGORIES.get(random.nextInt(CATEGORIES.size())),
                audience,
                List.of("INBOX"),
                false,
                false,
                null,
                null,
                null,
                Lane.BULK);
    }

    @Test
    void cityRowsMirrorTheCitiesEveryMessageNames() {
        String difference = """
                select count(*) from (
                    (select distinct c.city, m.created_at, m.id, m.status, message_words_signature(m.search)
                     from messages m cross join lateral unnest(m.segment_cities) as c (city)
                     except
                     select city, created_at, message_id, status, words from message_cities)
                    union all
                    (select city, created_at, message_id, status, words from message_cities
                     except
                     select distinct c.city, m.created_at, m.id, m.status, message_words_signature(m.search)
                     from messages m cross join lateral unnest(m.segment_cities) as c (city))) d
                """;

        assertThat(jdbc.sql(difference).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from message_cities")
                        .query(Long.class)
                        .single())
                .isGreaterThan(400);
    }

    @Test
    void everyPageByCityEqualsTheArrayContainmentFilter() {
        Random random = new Random(7);
        Instant now = Instant.now();
        int pages = 0;
        for (int i = 0; i < 250; i++) {
            MessageStatus status = random.nextInt(3) == 0
                    ? null
                    : MessageStatus.values()[random.nextInt(MessageStatus.values().length)];
            Instant from = random.nextInt(4) == 0 ? now.minus(20, ChronoUnit.MINUTES) : null;
            Instant to = random.nextInt(4) == 0 ? now.minus(5, ChronoUnit.MINUTES) : null;
            MessageQuery first = new MessageQuery(
                    random.nextBoolean() ? TEXTS.get(random.nextInt(TEXTS.size())) : null,
                    status,
                    // why: c9 is a city no message names
                    random.nextInt(10) == 0 ? "c9" : CITIES.get(random.nextInt(CITIES.size())),
                    random.nextInt(3) == 0 ? KINDS.get(random.nextInt(KINDS.size())) : null,
                    random.nextInt(4) == 0 ? CATEGORIES.get(random.nextInt(CATEGORIES.size())) : null,
                    from,
                    to,
                    null,
                    null,
                    List.of(1, 3, 10, 200).get(random.nextInt(4)));
            MessageQuery query = first;
            while (true) {
                List<Message> page = store.search(query);
                assertThat(page).extracting(Message::id).as("%s", query).isEqualTo(byArrayContainment(query));
                pages++;
                if (page.size() < query.limit()) {
                    break;
                }
                Message last = page.getLast();
                query = new MessageQuery(
                        first.text(),
                        first.status(),
                        first.city(),
                        first.kind(),
                        first.category(),
                        first.from(),
                        first.to(),
                        last.createdAt(),
                        last.id(),
                        first.limit());
            }
        }
        assertThat(pages).isGreaterThan(300);
    }

    @Test
    void onlyPlainWordsAreAllRequired() {
        assertThat(JdbcMessageStore.everyWordRequired("storm")).isTrue();
        assertThat(JdbcMessageStore.everyWordRequired(" Storm  rain 42 ")).isTrue();
        assertThat(JdbcMessageStore.everyWordRequired("暴雨 预警")).isTrue();
        assertThat(JdbcMessageStore.everyWordRequired("storm or rain")).isFalse();
        assertThat(JdbcMessageStore.everyWordRequired("storm OR rain")).isFalse();
        assertThat(JdbcMessageStore.everyWordRequired("-storm")).isFalse();
        assertThat(JdbcMessageStore.everyWordRequired("\"storm rain\"")).isFalse();
        assertThat(JdbcMessageStore.everyWordRequired("storm-rain")).isFalse();
    }

    /** The city filter as it was before message_cities: a containment test on the array. */
    private static List<UUID> byArrayContainment(MessageQuery query) {
        StringBuilder sql =
                new StringBuilder("select id from messages where segment_cities @> array[cast(:city as text)]");
        Map<String, Object> params = new HashMap<>();
        params.put("city", query.city());
        if (query.text() != null) {
            sql.append(" and search @@ websearch_to_tsquery('simple', :text)");
            params.put("text", query.text());
        }
        if (query.status() != null) {
            sql.append(" and status = :status");
            params.put("status", query.status().name());
        }
        if (query.kind() != null) {
            sql.append(" and segment_kinds @> array[cast(:kind as text)]");
            params.put("kind", query.kind());
        }
        if (query.category() != null) {
            sql.append(" and category = :category");
            params.put("category", query.category());
        }
        if (query.from() != null) {
            sql.append(" and created_at >= :from");
            params.put("from", Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and created_at < :to");
            params.put("to", Timestamp.from(query.to()));
        }
        if (query.afterCreatedAt() != null && query.afterId() != null) {
            sql.append(" and (created_at, id) < (:afterCreatedAt, :afterId)");
            params.put("afterCreatedAt", Timestamp.from(query.afterCreatedAt()));
            params.put("afterId", query.afterId());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", query.limit());
        return jdbc.sql(sql.toString()).params(params).query(UUID.class).list();
    }
}
