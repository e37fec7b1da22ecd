package dev.messagecenter.trace.jdbc;

import dev.messagecenter.trace.LifecycleEvent;
import dev.messagecenter.trace.LifecycleLog;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcLifecycleLog implements LifecycleLog {

    private final JdbcClient jdbc;

    JdbcLifecycleLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void record(UUID messageId, @Nullable Long packageId, String type, @Nullable String detail) {
        jdbc.sql("insert into message_events (message_id, package_id, type, detail) values (:m, :p, :t, :d)")
                .param("m", messageId)
                .param("p", packageId)
                .param("t", type)
                .param("d", detail)
                .update();
    }

    @Override
    public void recordAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        insert into message_events (message_id, package_id, type, detail)
                        select m, p, t, d from unnest(:m, :p, :t, :d) with ordinality as e(m, p, t, d, n) order by n
                        """)
                .param("m", entries.stream().map(Entry::messageId).toArray(UUID[]::new))
                .param("p", entries.stream().map(Entry::packageId).toArray(Long[]::new))
                .param("t", entries.stream().map(Entry::type).toArray(String[]::new))
                .param("d", entries.stream().map(Entry::detail).toArray(String[]::new))
                .update();
    }

    @Override
    public List<LifecycleEvent> events(UUID messageId, long after, int limit) {
        return jdbc.sql("""
                        select id, message_id, package_id, type, detail, at from message_events
                        where message_id = :m and id > :after order by id limit :limit
                        """)
                .param("m", messageId)
                .param("after", after)
                .param("limit", limit)
                .query((rs, i) -> new LifecycleEvent(
                        rs.getLong("id"),
                        rs.getObject("message_id", UUID.class),
                        (Long) rs.getObject("package_id"),
                        rs.getString("type"),
                        rs.getString("detail"),
                        rs.getTimestamp("at").toInstant()))
                .list();
    }
}
