package dev.messagecenter.platform.db;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the service keeps its data. With no {@code url} the service starts an embedded PostgreSQL
 * whose files live in {@code embedded.dataDir} and survive restarts.
 */
@ConfigurationProperties("messagecenter.database")
public record DatabaseProperties(
        String url,
        String username,
        String password,
        @DefaultValue("20") int poolSize,
        Embedded embedded) {

    public DatabaseProperties {
        url = url == null ? "" : url.trim();
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        embedded = embedded == null ? new Embedded("./data", 0) : embedded;
    }

    public boolean isEmbedded() {
        return url.isEmpty();
    }

    public record Embedded(
            @DefaultValue("./data") String dataDir,
            @DefaultValue("0") int port) {}
}
