package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ServiceIT;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class SegmentPagingIT extends ServiceIT {

    @Autowired
    RecipientDirectory directory;

    @Autowired
    JdbcClient jdbc;

    private static RecipientDraft draft(String id, String kind, String city, String... tags) {
        return new RecipientDraft(id, kind, city, List.of(tags), null, Channels.NONE);
    }

    /** Walks the whole segment, page by page, calling {@code between} after each page. */
    private List<String> walk(Segment segment, int pageSize, Runnable between) {
        List<String> seen = new ArrayList<>();
        SegmentCursor cursor = null;
        do {
            RecipientPage page = directory.page(segment, cursor, pageSize);
            page.recipients().forEach(r -> seen.add(r.id()));
            cursor = page.next();
            between.run();
        } while (cursor != null);
        return seen;
    }

    @Test
    void returnsEveryActiveMatchingRecipientExactlyOnce() {
        String a = unique("ca");
        String b = unique("cb");
        String other = unique("cc");
        List<RecipientDraft> batch = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 1_234; i++) {
            String city = i % 3 == 0 ? a : i % 3 == 1 ? b : other;
            String kind = i % 2 == 0 ? "rider" : "merchant";
            String id = "p-" + i;
            batch.add(draft(city + "-" + id, kind, city));
            if (!city.equals(other)) {
                expected.add(city + "-" + id);
            }
        }
        directory.upsertAll(batch);
        directory.upsertAll(List.of(draft(a + "-courier", "courier", a)));
        String gone = a + "-p-0";
        directory.deactivate(gone);
        expected.remove(gone);

        List<String> seen = walk(Segment.of(List.of("rider", "merchant"), List.of(a, b), List.of()), 500, () -> {});

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        assertThat(walkIds(Segment.of(List.of("rider", "merchant"), List.of(a, b), List.of()), 500))
                .isEqualTo(seen);
    }

    private List<String> walkIds(Segment segment, int pageSize) {
        List<String> seen = new ArrayList<>();
        SegmentCursor cursor = null;
        do {
            RecipientDirectory.IdPage page = directory.pageIds(segment, cursor, pageSize);
            seen.addAll(page.ids());
            cursor = page.next();
        } while (cursor != null);
        return seen;
    }

    @Test
    void keepsEveryRecipientOnceWhileRowsAreInsertedDuringTheWalk() {
        String city = unique("cw");
        List<RecipientDraft> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            batch.add(draft(city + "-" + String.format("%05d", i * 2), "rider", city));
        }
        directory.upsertAll(batch);
        Set<String> original = new HashSet<>();
        batch.forEach(d -> original.add(d.id()));
        int[] inserted = {0};

        List<String> seen = walk(Segment.of(List.of("rider"), List.of(city), List.of()), 100, () -> {
            // odd ids land both before and after the cursor while the walk goes on
            directory.upsertAll(List.of(
                    draft(city + "-" + String.format("%05d", inserted[0] * 20 + 1), "rider", city),
                    draft(city + "-" + String.format("%05d", 1_999 - inserted[0] * 20), "rider", city)));
            inserted[0]++;
        });

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(original);
        assertThat(seen).isSorted();
    }

    @Test
    void filtersByEveryTag() {
        String city = unique("ct");
        directory.upsertAll(List.of(
                draft(city + "-1", "rider", city, "ev", "vip"),
                draft(city + "-2", "rider", city, "ev"),
                draft(city + "-3", "rider", city)));

        List<String> seen = walk(Segment.of(List.of("rider"), List.of(city), List.of("ev", "vip")), 10, () -> {});

        assertThat(seen).containsExactly(city + "-1");
    }

    @Test
    void pagesAreKeysetIndexScans() {
        String plan = jdbc.sql("""
                        explain select id from recipients where active and city = :c and kind = any(:kinds)
                        and id > :i order by id limit 500
                        """)
                .param("kinds", new String[] {"rider"})
                .param("c", "a")
                .param("i", "x")
                .query(String.class)
                .list()
                .toString();
        assertThat(plan).contains("recipients_segment_idx").doesNotContain("Sort");
    }
}
