package dev.messagecenter.delivery.inbox;

import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.inbox.InboxChanged;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The in-app inbox. Segment broadcasts are stored once on the message and merged at read time;
 * explicit lists are fanned out here with one set-based insert per package. Delivering a package
 * twice inserts nothing twice and reports the same count.
 */
@Component
class InboxSender implements ChannelSender {

    /** Inserts the entries of active recipients; a recipient's flag read by primary key. */
    static final String INSERT = """
            insert into inbox_entries (recipient_id, message_id)
            select x.recipient, x.message from unnest(:messages, :recipients) as x(message, recipient)
            where (select r.active from recipients r where r.id = x.recipient)
            on conflict do nothing
            """;

    /** Counts, per package position, the entries that are there; each one read by primary key. */
    static final String COUNT = """
            select x.position, count(*)
            from unnest(:positions, :messages, :recipients) as x(position, message, recipient)
            where (select true from inbox_entries e where e.recipient_id = x.recipient and e.message_id = x.message)
            group by x.position
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;

    InboxSender(JdbcClient jdbc, TransactionTemplate transaction, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
    }

    @Override
    public String channel() {
        return "INBOX";
    }

    @Override
    public boolean storedOnceForSegments() {
        return true;
    }

    @Override
    public boolean deliversInTransaction() {
        return true;
    }

    @Override
    public DeliveryResult deliver(DeliveryPackage work) {
        return deliverAll(List.of(work)).getFirst();
    }

    @Override
    public boolean deliversInBatches() {
        return true;
    }

    /**
     * Several packages in one transaction: one insert and one count for all of them. The count is
     * of what is there, not of what was inserted now, so a redelivery reports the same.
     *
     * <p>Both look each recipient up by primary key in a sub-plan, which the planner cannot turn
     * into a join: planned generically (a prepared statement, {@code unnest} estimated at 100
     * rows), the count hashed the whole {@code inbox_entries} table for a few rows, and the insert
     * the whole directory while it was small.
     */
    @Override
    public List<DeliveryResult> deliverAll(List<DeliveryPackage> work) {
        List<Integer> positions = new ArrayList<>();
        List<UUID> messages = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            for (String recipient : work.get(i).recipients()) {
                positions.add(i);
                messages.add(work.get(i).messageId());
                recipients.add(recipient);
            }
        }
        int[] present = new int[work.size()];
        transaction.executeWithoutResult(status -> {
            jdbc.sql(INSERT)
                    .param("messages", messages.toArray(UUID[]::new))
                    .param("recipients", recipients.toArray(String[]::new))
                    .update();
            events.publishEvent(InboxChanged.forRecipients(new LinkedHashSet<>(recipients)));
            jdbc.sql(COUNT)
                    .param("positions", positions.toArray(Integer[]::new))
                    .param("messages", messages.toArray(UUID[]::new))
                    .param("recipients", recipients.toArray(String[]::new))
                    .query(rs -> {
                        present[rs.getInt(1)] = rs.getInt(2);
                    });
        });
        List<DeliveryResult> results = new ArrayList<>(work.size());
        for (int count : present) {
            results.add(new DeliveryResult.Delivered(count, 0));
        }
        return results;
    }
}
