package dev.messagecenter.recipient.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.recipient.Channels;
import dev.messagecenter.recipient.RecipientDraft;
import dev.messagecenter.testfixtures.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The bulk upsert's {@code COPY}: what goes in comes back unchanged. */
class JdbcRecipientDirectoryIT {

    /** Characters the driver used to encode at a time when it was handed the rows as a Reader. */
    private static final int DRIVER_CHUNK = 65_536;

    private static HikariDataSource database;
    private static JdbcRecipientDirectory directory;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        directory = new JdbcRecipientDirectory(
                JdbcClient.create(database),
                database,
                new TransactionTemplate(new DataSourceTransactionManager(database)),
                JsonMapper.builder().build());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void anEmojiAcrossTheDriversChunkBoundaryIsStoredWhole() {
        String email = "😀😀😀😀@example.com";
        RecipientDraft target = draft("emoji", new Channels(List.of(), email, null));
        // why: filler rows go before it until its first emoji is about to reach the end of the
        // driver's first chunk, then the first filler is lengthened until an emoji starts on the
        // chunk's last character, so that its two halves fall into two chunks
        List<RecipientDraft> fillers = new ArrayList<>();
        while (true) {
            List<RecipientDraft> more = new ArrayList<>(fillers);
            more.add(draft("filler-" + fillers.size() + "-" + "x".repeat(30), Channels.NONE));
            if (firstEmoji(more, target, 1) >= DRIVER_CHUNK) {
                break;
            }
            fillers = more;
        }
        List<RecipientDraft> batch = null;
        for (int length = 1; length <= 120 && batch == null; length++) {
            List<RecipientDraft> candidate = batch(fillers, target, length);
            String rows = directory.copyRows(candidate);
            if (Character.isHighSurrogate(rows.charAt(DRIVER_CHUNK - 1))) {
                batch = candidate;
            }
        }
        assertThat(batch).as("a batch with an emoji across the boundary").isNotNull();

        directory.upsertAll(batch);

        assertThat(directory.find("emoji"))
                .hasValueSatisfying(
                        recipient -> assertThat(recipient.channels().email()).isEqualTo(email));
    }

    private static List<RecipientDraft> batch(List<RecipientDraft> fillers, RecipientDraft target, int firstLength) {
        List<RecipientDraft> batch = new ArrayList<>();
        for (int i = 0; i < fillers.size(); i++) {
            batch.add(i == 0 ? draft("first-" + "x".repeat(firstLength), Channels.NONE) : fillers.get(i));
        }
        batch.add(target);
        return batch;
    }

    private static int firstEmoji(List<RecipientDraft> fillers, RecipientDraft target, int firstLength) {
        String rows = directory.copyRows(batch(fillers, target, firstLength));
        return rows.indexOf("😀");
    }

    private static RecipientDraft draft(String id, Channels channels) {
        return new RecipientDraft(id, "rider", "shanghai", List.of(), null, channels);
    }
}
