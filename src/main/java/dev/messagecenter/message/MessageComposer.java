package dev.messagecenter.message;

import dev.messagecenter.platform.db.GroupCommit;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.platform.security.Callers;
import dev.messagecenter.trace.LifecycleLog;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepts new messages. The message, its inline audience, its idempotency key and its first
 * lifecycle event commit in one transaction: a 2xx means all of it is durable. A message that
 * {@link ImmediateSend} can send at once is delivered in that same transaction.
 *
 * <p>Creates to an inline list without an idempotency key (the direct sends of other services)
 * share their transaction with the creates that arrive with them ({@link GroupCommit}): one
 * statement per step and one commit for all of them. Any failure of such a group stores none of it,
 * and each of its creates is then done on its own, as if it had come alone.
 */
@Component
public class MessageComposer implements AutoCloseable {

    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    private final MessageStore messages;
    private final MessageDrafts drafts;
    private final LifecycleLog log;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final MessageProperties limits;
    private final JsonMapper json;
    private final Optional<IdempotencyCache> cache;
    private final Optional<ImmediateSend> immediate;
    private final @Nullable GroupCommit<Job, Composed> group;

    MessageComposer(
            MessageStore messages,
            MessageDrafts drafts,
            LifecycleLog log,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            MessageProperties limits,
            JsonMapper json,
            Optional<IdempotencyCache> cache,
            Optional<ImmediateSend> immediate,
            MeterRegistry meters) {
        this.messages = messages;
        this.drafts = drafts;
        this.log = log;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
        this.limits = limits;
        this.json = json;
        this.cache = cache;
        this.immediate = immediate;
        MessageProperties.GroupCommitSettings settings = limits.groupCommit();
        if (settings.writers() < 1
                || settings.writers() > 64
                || settings.maxBatch() < 1
                || settings.maxBatch() > 1000) {
            throw new IllegalStateException("messagecenter.messages.group-commit: writers must be 1 to 64 and "
                    + "max-batch 1 to 1000, not " + settings.writers() + " and " + settings.maxBatch());
        }
        DistributionSummary sizes = DistributionSummary.builder("messagecenter.messages.group.commit.size")
                .description("Creates stored together in one transaction")
                .baseUnit("messages")
                .register(meters);
        this.group = settings.enabled()
                ? new GroupCommit<>(
                        "create-group",
                        settings.writers(),
                        settings.maxBatch(),
                        jobs -> Objects.requireNonNull(transaction.execute(status -> composeAll(jobs))),
                        this::composeAlone,
                        sizes::record)
                : null;
    }

    /** The stored message, and whether it is the answer to an earlier call with the same key. */
    public record Composed(Message message, boolean replayed) {}

    public Composed compose(MessageRequest request, @Nullable String idempotencyKey) {
        if (idempotencyKey != null
                && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw ApiProblem.invalid("Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
        }
        if (idempotencyKey == null) {
            if (group != null && !Boolean.TRUE.equals(request.draft())) {
                MessageRules.Checked checked = drafts.rules(request, Instant.now());
                if (checked.audience() instanceof MessageRules.AudienceSpec.Inline) {
                    return group.submit(new Job(request, checked));
                }
            }
            return composeAlone(new Job(request, null));
        }
        byte[] hash = sha256(json.writeValueAsBytes(request));
        UUID caller = Callers.apiKeyId();
        Optional<Composed> cached = cachedReplay(caller, idempotencyKey, hash);
        if (cached.isPresent()) {
            return cached.get();
        }
        // why: a concurrent duplicate waits on the key's unique index, then loses; the second
        // pass finds the winner's message
        for (int attempt = 0; ; attempt++) {
            try {
                Composed composed = Objects.requireNonNull(
                        transaction.execute(status -> composeOnce(request, new Key(caller, idempotencyKey, hash))));
                if (!composed.replayed()) {
                    IdempotencyCache.Seen seen =
                            new IdempotencyCache.Seen(hash, composed.message().id());
                    cache.ifPresent(c -> c.remember(caller, idempotencyKey, seen, limits.idempotencyKeyRetention()));
                }
                return composed;
            } catch (KeyTakenConcurrently e) {
                if (attempt > 0) {
                    throw new ApiProblem(ProblemType.CONFLICT, "Idempotency-Key is in use by a concurrent request");
                }
            }
        }
    }

    /** A create without an idempotency key, with its rules checked when it was batched. */
    private record Job(MessageRequest request, MessageRules.@Nullable Checked checked) {}

    /** An idempotency key, with its caller and the hash of the request it came with. */
    private record Key(UUID caller, String key, byte[] hash) {}

    private Composed composeAlone(Job job) {
        return Objects.requireNonNull(transaction.execute(status -> composeOnce(job.request(), null)));
    }

    /**
     * Creates to inline lists, in the caller's transaction: their lists in one statement, those that
     * can be sent at once sent together, the others stored scheduled.
     */
    private List<Composed> composeAll(List<Job> jobs) {
        List<MessageDraft> checked = drafts.inlineDrafts(
                jobs.stream().map(job -> Objects.requireNonNull(job.checked())).toList());
        Instant now = Instant.now();
        List<ImmediateSend.NewMessage> candidates = new ArrayList<>(checked.size());
        for (MessageDraft draft : checked) {
            candidates.add(new ImmediateSend.NewMessage(
                    UUID.randomUUID(), draft.sendAt() == null ? draft.withSendAt(now) : draft));
        }
        List<Optional<Message>> sent = immediate.isPresent()
                ? immediate.get().sendAllNow(candidates)
                : Collections.nCopies(candidates.size(), Optional.empty());
        List<Composed> composed = new ArrayList<>(candidates.size());
        List<LifecycleLog.Entry> created = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ImmediateSend.NewMessage candidate = candidates.get(i);
            Message message = sent.get(i).orElse(null);
            if (message == null) {
                message = messages.insert(candidate.id(), candidate.draft(), MessageStatus.SCHEDULED);
                created.add(new LifecycleLog.Entry(candidate.id(), null, "CREATED", MessageStatus.SCHEDULED.name()));
                events.publishEvent(new MessageScheduled(candidate.id(), message.lane(), message.sendAt()));
            }
            composed.add(new Composed(message, false));
        }
        log.recordAll(created);
        return composed;
    }

    /** Stops grouping creates once the requests in flight are answered. */
    @Override
    public void close() {
        if (group != null) {
            group.close();
        }
    }

    private Composed composeOnce(MessageRequest request, @Nullable Key key) {
        if (key != null) {
            Optional<Composed> earlier = replay(key.caller(), key.key(), key.hash());
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        boolean draft = Boolean.TRUE.equals(request.draft());
        MessageDraft checked = drafts.check(request, Instant.now());
        MessageStatus status = draft ? MessageStatus.DRAFT : MessageStatus.SCHEDULED;
        UUID id = UUID.randomUUID();
        if (!draft && checked.sendAt() == null) {
            checked = checked.withSendAt(Instant.now());
        }
        MessageDraft toStore = checked;
        Optional<Message> sent = draft ? Optional.empty() : immediate.flatMap(send -> send.sendNow(id, toStore));
        Message message = sent.orElseGet(() -> messages.insert(id, toStore, status));
        if (key != null && !claimKey(key.caller(), key.key(), key.hash(), id)) {
            throw new KeyTakenConcurrently();
        }
        if (sent.isEmpty()) {
            log.record(id, null, "CREATED", status.name());
            if (status == MessageStatus.SCHEDULED) {
                events.publishEvent(new MessageScheduled(id, message.lane(), message.sendAt()));
            }
        }
        return new Composed(message, false);
    }

    /** The answer to a repeated request from the cache, without touching the database's key record. */
    private Optional<Composed> cachedReplay(UUID caller, String key, byte[] hash) {
        return cache.flatMap(c -> c.find(caller, key)).flatMap(seen -> {
            if (!Arrays.equals(seen.requestHash(), hash)) {
                throw differentBody();
            }
            return messages.find(seen.messageId()).map(message -> new Composed(message, true));
        });
    }

    private Optional<Composed> replay(UUID caller, String key, byte[] hash) {
        return jdbc.sql("""
                        select request_hash, message_id from idempotency_keys
                        where api_key_id = :caller and key = :key and created_at > now() - cast(:retention as interval)
                        """)
                .param("caller", caller)
                .param("key", key)
                .param("retention", limits.idempotencyKeyRetention().toSeconds() + " seconds")
                .query((rs, row) -> {
                    if (!Arrays.equals(rs.getBytes("request_hash"), hash)) {
                        throw differentBody();
                    }
                    UUID messageId = rs.getObject("message_id", UUID.class);
                    return new Composed(messages.find(messageId).orElseThrow(), true);
                })
                .optional();
    }

    private boolean claimKey(UUID caller, String key, byte[] hash, UUID messageId) {
        return jdbc.sql("""
                        insert into idempotency_keys (api_key_id, key, request_hash, message_id)
                        values (:caller, :key, :hash, :message)
                        on conflict (api_key_id, key) do update
                            set request_hash = excluded.request_hash, message_id = excluded.message_id, created_at = now()
                            where idempotency_keys.created_at <= now() - cast(:retention as interval)
                        """)
                        .param("caller", caller)
                        .param("key", key)
                        .param("hash", hash)
                        .param("message", messageId)
                        .param("retention", limits.idempotencyKeyRetention().toSeconds() + " seconds")
                        .update()
                > 0;
    }

    private static ApiProblem differentBody() {
        return new ApiProblem(
                ProblemType.UNPROCESSABLE, "Idempotency-Key was already used with a different request body");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class KeyTakenConcurrently extends RuntimeException {
        KeyTakenConcurrently() {
            super(null, null, false, false);
        }
    }
}
