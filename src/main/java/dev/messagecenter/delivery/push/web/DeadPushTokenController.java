package dev.messagecenter.delivery.push.web;

import dev.messagecenter.platform.problem.ApiProblem;
import java.sql.Timestamp;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gives push tokens marked dead a second chance: a gateway that answered {@code invalid} for live
 * devices (a wrong project or certificate) would otherwise have them skipped for good. A revived
 * token is sent to again from the next package on; if it is really dead, the gateway says so again.
 */
@RestController
class DeadPushTokenController {

    private static final Logger log = LoggerFactory.getLogger(DeadPushTokenController.class);

    private final JdbcClient jdbc;

    DeadPushTokenController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Which dead tokens to revive: those marked in a window, optionally of one recipient. */
    record ReviveRequest(
            @Nullable Instant markedAfter,
            @Nullable Instant markedBefore,
            @Nullable String recipientId) {}

    record Revived(long revived) {}

    @PostMapping("/api/v1/dead-push-tokens:revive")
    Revived revive(@RequestBody ReviveRequest request) {
        if (request.markedAfter() == null) {
            throw ApiProblem.invalid(
                    "markedAfter", "is required: the instant after which the tokens to revive were marked dead");
        }
        Instant before = request.markedBefore() == null ? Instant.now() : request.markedBefore();
        if (!before.isAfter(request.markedAfter())) {
            throw ApiProblem.invalid("markedBefore", "must be after markedAfter");
        }
        if (request.recipientId() != null && request.recipientId().isBlank()) {
            throw ApiProblem.invalid("recipientId", "must not be blank");
        }
        int revived = jdbc.sql("""
                        delete from dead_push_tokens
                        where marked_at > :after and marked_at <= :before
                          and (cast(:recipient as text) is null or recipient_id = :recipient)
                        """)
                .param("after", Timestamp.from(request.markedAfter()))
                .param("before", Timestamp.from(before))
                .param("recipient", request.recipientId())
                .update();
        log.info(
                "Revived {} dead push tokens marked after {} and up to {}{}",
                revived,
                request.markedAfter(),
                before,
                request.recipientId() == null ? "" : " of one recipient");
        return new Revived(revived);
    }
}
