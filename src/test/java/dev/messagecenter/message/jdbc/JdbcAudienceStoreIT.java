package dev.messagecenter.message.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.messagecenter.message.AudienceStore.UploadReport;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.FieldViolation;
import dev.messagecenter.platform.problem.PayloadTooLargeException;
import dev.messagecenter.testfixtures.TestDatabase;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Uploads are stored batch by batch; one that is refused, whichever batch refuses it, leaves nothing. */
class JdbcAudienceStoreIT {

    private static HikariDataSource database;
    private static JdbcClient jdbc;
    private static JdbcAudienceStore store;

    private String prefix;
    private long audiencesBefore;

    @BeforeAll
    static void database() {
        database = TestDatabase.fresh();
        jdbc = JdbcClient.create(database);
        store = new JdbcAudienceStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(database)));
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @BeforeEach
    void count() {
        prefix = "r" + UUID.randomUUID().toString().substring(0, 8) + "-";
        audiencesBefore =
                jdbc.sql("select count(*) from audiences").query(Long.class).single();
    }

    @Test
    void storesAListUpToItsLimitWithDuplicatesCountedOnce() throws IOException {
        UploadReport report = store.upload(new StringReader(ids(0, 10) + ids(0, 10)), 10);

        assertThat(report.size()).isEqualTo(10);
        assertThat(store.size(report.audienceId())).contains(10L);
        assertThat(storedMembers()).isEqualTo(10);
    }

    @Test
    void refusesAListThatPassesItsLimitInTheLastBatchAndKeepsNothing() {
        int limit = JdbcAudienceStore.BATCH;

        assertRefusedNamingTheBody(() -> store.upload(new StringReader(ids(0, 2 * limit - 1)), limit));

        assertNothingStored();
    }

    @Test
    void refusesAListThatPassesItsLimitInAFullBatchAndKeepsNothing() {
        assertThatThrownBy(() -> store.upload(new StringReader(ids(0, 2 * JdbcAudienceStore.BATCH)), 10))
                .isInstanceOf(ApiProblem.class);

        assertNothingStored();
    }

    @Test
    void refusesAnUploadWithNoValidIdAndKeepsNothing() {
        assertRefusedNamingTheBody(() -> store.upload(new StringReader("\n  \nnot valid!\n"), 10));

        assertNothingStored();
    }

    @Test
    void keepsNothingOfABodyCutOffAfterSomeBatches() {
        Reader cutOff = new Reader() {
            private final Reader start = new StringReader(ids(0, 2 * JdbcAudienceStore.BATCH + 7));

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int read = start.read(buffer, offset, length);
                if (read < 0) {
                    throw new PayloadTooLargeException("body over its limit");
                }
                return read;
            }

            @Override
            public void close() {}
        };

        assertThatThrownBy(() -> store.upload(cutOff, 1_000_000)).isInstanceOf(PayloadTooLargeException.class);

        assertNothingStored();
    }

    private void assertNothingStored() {
        assertThat(jdbc.sql("select count(*) from audiences").query(Long.class).single())
                .isEqualTo(audiencesBefore);
        assertThat(storedMembers()).isZero();
    }

    private long storedMembers() {
        return jdbc.sql("select count(*) from audience_members where recipient_id like :prefix")
                .param("prefix", prefix + "%")
                .query(Long.class)
                .single();
    }

    /** Lines of ids {@code from} (inclusive) to {@code to} (exclusive), each ending with a newline. */
    private String ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i + "\n").collect(Collectors.joining());
    }

    private static void assertRefusedNamingTheBody(ThrowingCallable upload) {
        assertThatThrownBy(upload)
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        e -> assertThat(e.violations())
                                .extracting(FieldViolation::field)
                                .containsExactly("body"));
    }
}
