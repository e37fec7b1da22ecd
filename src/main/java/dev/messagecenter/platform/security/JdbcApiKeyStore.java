package dev.messagecenter.platform.security;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * API keys in PostgreSQL, looked up by the SHA-256 of the presented key. An active key found is
 * remembered for {@value #REMEMBER_SECONDS} s, so that a client sending many requests costs one
 * lookup, not one per request; a key revoked here is forgotten at once, one revoked through
 * another instance stops working here within that time.
 */
@Repository
public class JdbcApiKeyStore {

    static final long REMEMBER_SECONDS = 10;
    private static final int MAX_REMEMBERED = 10_000;

    private final JdbcClient jdbc;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Counts revocations through this instance; guarded by {@code this} for writes. */
    private volatile long revocations;

    JdbcApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new key under its digest; the key itself is not kept. */
    public ApiKey create(String name, Set<Scope> scopes, String key) {
        UUID id = UUID.randomUUID();
        return jdbc.sql("""
                        insert into api_keys (id, name, key_hash, scopes) values (:id, :name, :hash, :scopes)
                        returning id, name, scopes, created_at, revoked_at
                        """)
                .param("id", id)
                .param("name", name)
                .param("hash", ApiKeySecrets.digest(key))
                .param("scopes", scopes.stream().map(Scope::authority).sorted().toArray(String[]::new))
                .query(JdbcApiKeyStore::map)
                .single();
    }

    /** The active key with this secret, if any. */
    public Optional<ApiKey> findActive(String key) {
        byte[] digest = ApiKeySecrets.digest(key);
        String digestKey = HexFormat.of().formatHex(digest);
        long now = System.nanoTime();
        Remembered known = remembered.get(digestKey);
        if (known != null && now - known.at() < TimeUnit.SECONDS.toNanos(REMEMBER_SECONDS)) {
            return Optional.of(known.key());
        }
        long revocationsBefore = revocations;
        Optional<ApiKey> found =
                jdbc.sql("""
                        select id, name, scopes, created_at, revoked_at from api_keys
                        where key_hash = :hash and revoked_at is null
                        """).param("hash", digest).query(JdbcApiKeyStore::map).optional();
        if (found.isPresent()) {
            remember(digestKey, new Remembered(found.get(), now), revocationsBefore);
        } else {
            remembered.remove(digestKey);
        }
        return found;
    }

    private synchronized void remember(String digestKey, Remembered key, long revocationsBefore) {
        // why: a key revoked here since the lookup read it may be that key; the lookup still
        // answers, the next one reads the database again
        if (revocations != revocationsBefore) {
            return;
        }
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(digestKey, key);
    }

    public List<ApiKey> list() {
        return jdbc.sql("select id, name, scopes, created_at, revoked_at from api_keys order by created_at, id")
                .query(JdbcApiKeyStore::map)
                .list();
    }

    /** Revokes a key; true when an active key was revoked. Idempotent. */
    public boolean revoke(UUID id) {
        boolean revoked = jdbc.sql("update api_keys set revoked_at = now() where id = :id and revoked_at is null")
                        .param("id", id)
                        .update()
                > 0;
        synchronized (this) {
            revocations++;
            remembered.values().removeIf(known -> known.key().id().equals(id));
        }
        return revoked;
    }

    public boolean exists(UUID id) {
        return jdbc.sql("select count(*) from api_keys where id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single()
                > 0;
    }

    boolean hasActiveAdmin() {
        return jdbc.sql("select exists (select 1 from api_keys where revoked_at is null and 'admin' = any (scopes))")
                .query(Boolean.class)
                .single();
    }

    boolean existsByKey(String key) {
        return jdbc.sql("select count(*) from api_keys where key_hash = :hash")
                        .param("hash", ApiKeySecrets.digest(key))
                        .query(Long.class)
                        .single()
                > 0;
    }

    private static ApiKey map(ResultSet rs, int row) throws SQLException {
        Array array = rs.getArray("scopes");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String scope : (String[]) array.getArray()) {
            scopes.add(Scope.parse(scope));
        }
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKey(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                Set.copyOf(scopes),
                rs.getTimestamp("created_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
    }

    private record Remembered(ApiKey key, long at) {}
}
