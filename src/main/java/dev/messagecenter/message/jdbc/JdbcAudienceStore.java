package dev.messagecenter.message.jdbc;

import dev.messagecenter.message.AudienceStore;
import dev.messagecenter.platform.io.LineReader;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.recipient.RecipientRules;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JdbcAudienceStore implements AudienceStore {

    static final int BATCH = 5_000;
    static final int MAX_ERRORS = 100;
    static final int MAX_LINE = 1_024;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    JdbcAudienceStore(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public UUID create(List<String> recipientIds) {
        return createAll(List.of(recipientIds)).getFirst();
    }

    @Override
    public List<UUID> createAll(List<List<String>> recipientIds) {
        List<UUID> ids = new ArrayList<>(recipientIds.size());
        Integer[] sizes = new Integer[recipientIds.size()];
        List<UUID> owners = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < recipientIds.size(); i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            sizes[i] = recipientIds.get(i).size();
            for (String member : recipientIds.get(i)) {
                owners.add(id);
                members.add(member);
            }
        }
        // why: one round trip on the hot path of direct sends, for any number of lists; the ids of
        // each list are distinct already
        jdbc.sql("""
                        with audience as (insert into audiences (id, size) select * from unnest(:ids, :sizes))
                        insert into audience_members (audience_id, recipient_id)
                        select * from unnest(:owners, :members)
                        """)
                .param("ids", ids.toArray(UUID[]::new))
                .param("sizes", sizes)
                .param("owners", owners.toArray(UUID[]::new))
                .param("members", members.toArray(String[]::new))
                .update();
        return ids;
    }

    private long insertMembers(UUID audienceId, List<String> ids) {
        return jdbc.sql("""
                        insert into audience_members (audience_id, recipient_id)
                        select :audience, unnest(cast(:ids as text[])) on conflict do nothing
                        """)
                .param("audience", audienceId)
                .param("ids", ids.toArray(String[]::new))
                .update();
    }

    @Override
    public UploadReport upload(Reader input, long maxIds) throws IOException {
        UUID id = UUID.randomUUID();
        transaction.executeWithoutResult(status -> jdbc.sql("insert into audiences (id) values (:id)")
                .param("id", id)
                .update());
        try {
            return read(id, input, maxIds);
        } catch (RuntimeException | IOException e) {
            // why: the batches are committed as they come; a refused upload must leave nothing, and
            // one statement removes the list (its members go with it, on delete cascade)
            try {
                jdbc.sql("delete from audiences where id = :id").param("id", id).update();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private UploadReport read(UUID id, Reader input, long maxIds) throws IOException {
        LineReader reader = new LineReader(input, MAX_LINE);
        List<String> batch = new ArrayList<>(BATCH);
        List<String> errors = new ArrayList<>();
        long size = 0;
        long rejected = 0;
        for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
            String candidate = line.text() == null ? null : line.text().strip();
            if (candidate != null && candidate.isEmpty()) {
                continue;
            }
            try {
                batch.add(RecipientRules.requireId(candidate, "id"));
            } catch (ApiProblem e) {
                rejected++;
                if (errors.size() < MAX_ERRORS) {
                    errors.add("line " + line.number() + ": not a valid recipient id");
                }
                continue;
            }
            if (batch.size() == BATCH) {
                size = flush(id, batch, size, maxIds);
            }
        }
        size = flush(id, batch, size, maxIds);
        if (size == 0) {
            throw ApiProblem.invalid("body", "at least one valid recipient id, one per line");
        }
        long total = size;
        transaction.executeWithoutResult(status -> jdbc.sql("update audiences set size = :size where id = :id")
                .param("id", id)
                .param("size", total)
                .update());
        return new UploadReport(id, size, rejected, errors);
    }

    /** Stores a batch; the list's size with it, refused once it passes {@code maxIds}. */
    private long flush(UUID id, List<String> batch, long size, long maxIds) {
        if (batch.isEmpty()) {
            return size;
        }
        Long inserted = transaction.execute(status -> insertMembers(id, batch) * 1L);
        batch.clear();
        long total = size + (inserted == null ? 0 : inserted);
        if (total > maxIds) {
            throw ApiProblem.invalid("body", "at most " + maxIds + " recipients in one audience");
        }
        return total;
    }

    @Override
    public Optional<Long> size(UUID audienceId) {
        return jdbc.sql("select size from audiences where id = :id")
                .param("id", audienceId)
                .query(Long.class)
                .optional();
    }
}
