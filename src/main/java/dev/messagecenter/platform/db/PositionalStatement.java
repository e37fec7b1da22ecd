package dev.messagecenter.platform.db;

import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A statement written with named parameters ({@code :name}) and turned into JDBC's positional form
 * ({@code ?}) once, when it is built, rather than on every call as {@link JdbcClient} does with
 * named parameters. For the hottest statements: the rewrite copies the whole statement text each
 * time, and the driver then hashes the new text to find its prepared statement.
 *
 * <p>Only single values may be bound: a collection, which named parameters expand into one
 * placeholder per element, is refused. Arrays are single values (a PostgreSQL array parameter).
 */
public final class PositionalStatement {

    private final ParsedSql parsed;
    private final String sql;

    public PositionalStatement(String namedSql) {
        this.parsed = NamedParameterUtils.parseSqlStatement(namedSql);
        this.sql = NamedParameterUtils.parseSqlStatementIntoString(namedSql);
    }

    /** The statement with its parameters bound by name; fails if one is missing or a collection. */
    public JdbcClient.StatementSpec bind(JdbcClient jdbc, Map<String, ?> values) {
        for (Map.Entry<String, ?> value : values.entrySet()) {
            if (value.getValue() instanceof Iterable<?>) {
                throw new IllegalArgumentException(
                        "parameter " + value.getKey() + " is a collection; bind an array instead");
            }
        }
        return jdbc.sql(sql)
                .params(NamedParameterUtils.buildValueArray(parsed, new MapSqlParameterSource(values), null));
    }
}
