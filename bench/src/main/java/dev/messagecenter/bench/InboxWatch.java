package dev.messagecenter.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the direct probes when their message's inbox row is committed, with one query every 10 ms
 * for every probe in flight. A probe reads its inbox through the API only from then on, so its
 * reads no longer grow with the latency it measures: polling the API every 10 ms, a probe waiting
 * 700 ms made about 35 inbox reads, and 20 probes a second made 700 reads a second on the machine
 * whose latency they measured. The API read still decides: a probe's latency ends with the first
 * inbox page that lists its message.
 */
final class InboxWatch implements AutoCloseable {

    private static final Duration EVERY = Duration.ofMillis(10);

    private record Key(String recipientId, UUID messageId) {}

    private final Map<Key, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final Connection connection;
    private final Thread thread;
    private volatile boolean closed;
    private volatile SQLException failure;

    InboxWatch(Target target) throws SQLException {
        connection = target.database();
        connection.setAutoCommit(true);
        thread = Thread.ofPlatform().daemon().name("bench-inbox-watch").start(this::watch);
    }

    /** Completes once the recipient's inbox row for the message is committed. */
    CompletableFuture<Void> stored(String recipientId, String messageId) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        return waiting.computeIfAbsent(new Key(recipientId, UUID.fromString(messageId)), k -> new CompletableFuture<>());
    }

    private void watch() {
        try (PreparedStatement query = connection.prepareStatement("""
                select e.recipient_id, e.message_id
                from unnest(?::text[], ?::uuid[]) as w (recipient_id, message_id)
                join inbox_entries e on e.recipient_id = w.recipient_id and e.message_id = w.message_id
                """)) {
            while (!closed) {
                List<Key> keys = List.copyOf(waiting.keySet());
                if (!keys.isEmpty()) {
                    query.setArray(1, connection.createArrayOf("text", keys.stream().map(Key::recipientId).toArray()));
                    query.setArray(2, connection.createArrayOf("uuid", keys.stream().map(Key::messageId).toArray()));
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            CompletableFuture<Void> found =
                                    waiting.remove(new Key(rows.getString(1), rows.getObject(2, UUID.class)));
                            if (found != null) {
                                found.complete(null);
                            }
                        }
                    }
                }
                LockSupport.parkNanos(EVERY.toNanos());
            }
        } catch (SQLException e) {
            failure = e;
            waiting.values().forEach(future -> future.completeExceptionally(e));
        }
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        closed = true;
        thread.join();
        connection.close();
    }
}
