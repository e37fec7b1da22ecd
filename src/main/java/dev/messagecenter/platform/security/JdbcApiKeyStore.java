package dev.messagecenter.platform.security;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API keys in PostgreSQL, looked up by the SHA-256 of the presented key. */
@Repository
public class JdbcApiKeyStore {

    private final JdbcClient jdbc;

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
        return jdbc.sql("""
                        select id, name, scopes, created_at, revoked_at from api_keys
                        where key_hash = :hash and revoked_at is null
                        """)
                .param("hash", ApiKeySecrets.digest(key))
                .query(JdbcApiKeyStore::map)
                .optional();
    }

    public List<ApiKey> list() {
        return jdbc.sql("select id, name, scopes, created_at, revoked_at from api_keys order by created_at, id")
                .query(JdbcApiKeyStore::map)
                .list();
    }

    /** Revokes a key; true when an active key was revoked. Idempotent. */
    public boolean revoke(UUID id) {
        return jdbc.sql("update api_keys set revoked_at = now() where id = :id and revoked_at is null")
                        .param("id", id)
                        .update()
                > 0;
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
}
