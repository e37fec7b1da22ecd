package dev.messagecenter.platform.web;

import dev.messagecenter.platform.db.DatabaseProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells the person who started the service where it listens and where its data is. */
@Component
class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    private final DatabaseProperties database;

    ReadyBanner(DatabaseProperties database) {
        this.database = database;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
            return;
        }
        String storage = database.isEmbedded()
                ? "embedded PostgreSQL, data in "
                        + Path.of(database.embedded().dataDir())
                                .toAbsolutePath()
                                .normalize()
                : "external PostgreSQL";
        log.info(
                "Message Center is ready on http://localhost:{} ({})",
                web.getWebServer().getPort(),
                storage);
    }
}
