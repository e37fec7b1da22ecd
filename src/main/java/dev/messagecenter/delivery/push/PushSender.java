package dev.messagecenter.delivery.push;

import dev.messagecenter.delivery.ChannelSender;
import dev.messagecenter.delivery.DeliveryPackage;
import dev.messagecenter.delivery.DeliveryResult;
import dev.messagecenter.delivery.push.PushGatewayClient.Outcome;
import dev.messagecenter.delivery.push.PushGatewayClient.TokenStatus;
import dev.messagecenter.recipient.PushToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Mobile push through the push gateway. A package's recipients and their device tokens are read in
 * one query; tokens the gateway once called invalid ({@code dead_push_tokens}) are not sent again.
 * The live tokens go out in requests of at most {@code maxTokensPerRequest}, one after another, with
 * batch id {@code <packageId>-<attempt>-<chunkIndex>}; a token shared by two recipients is sent once.
 *
 * <p>Outcome:
 *
 * <ul>
 *   <li>A request that fails transiently (429, 5xx, timeout, I/O) stops the package: {@link
 *       DeliveryResult.Retry}, with the gateway's {@code Retry-After}. A request the gateway
 *       refuses (other 4xx) stops it too: {@link DeliveryResult.Failed}. The first failing request
 *       decides; later chunks are not sent.
 *   <li>Otherwise, when some recipient has no device answered {@code ok} and at least one answered
 *       {@code error}, the package is retried, since that recipient may still be reached.
 *   <li>Otherwise {@link DeliveryResult.Delivered}: {@code delivered} counts recipients with at
 *       least one device answered {@code ok}; {@code failed} counts recipients who have tokens, all
 *       of them invalid (answered {@code invalid} now, or dead since an earlier delivery). Active
 *       recipients with no push token at all, and inactive or unknown recipients, count in neither.
 * </ul>
 *
 * <p>Invalid tokens are stored dead (set-based, first owner wins) even when the package is retried.
 *
 * <p>Redelivery: calling {@link #deliver} again for a package sends the pushes again to its live
 * tokens (a device may show a message twice); this is accepted. Batch ids are stable per package,
 * attempt and chunk, so a gateway may de-duplicate a repeated attempt. Counts are the same on every
 * call, because tokens killed by an earlier call still count their recipients as failed. Thread-safe.
 */
@Component
class PushSender implements ChannelSender {

    private final JdbcClient jdbc;
    private final PushGatewayClient gateway;

    PushSender(JdbcClient jdbc, PushGatewayClient gateway) {
        this.jdbc = jdbc;
        this.gateway = gateway;
    }

    @Override
    public String channel() {
        return "PUSH";
    }

    @Override
    public DeliveryResult deliver(DeliveryPackage work) {
        List<Device> devices = devices(work.recipients());
        Map<String, PushToken> live = new LinkedHashMap<>();
        Map<String, String> firstOwner = new HashMap<>();
        for (Device device : devices) {
            if (!device.dead()) {
                live.putIfAbsent(device.token().token(), device.token());
                firstOwner.putIfAbsent(device.token().token(), device.recipientId());
            }
        }

        Map<String, TokenStatus> answered = new HashMap<>();
        DeliveryResult stopped = null;
        List<PushToken> tokens = List.copyOf(live.values());
        int size = gateway.maxTokensPerRequest();
        int chunks = (tokens.size() + size - 1) / size;
        for (int chunk = 0; chunk < chunks && stopped == null; chunk++) {
            String batchId = work.packageId() + "-" + work.attempt() + "-" + chunk;
            List<PushToken> part = tokens.subList(chunk * size, Math.min(tokens.size(), (chunk + 1) * size));
            Outcome outcome =
                    gateway.send(new PushGatewayClient.Batch(batchId, work.messageId(), work.content(), part));
            String where = "push request " + (chunk + 1) + " of " + chunks + ": ";
            switch (outcome) {
                case Outcome.Answered(Map<String, TokenStatus> statuses) -> answered.putAll(statuses);
                case Outcome.Transient(String reason, var retryAfter) ->
                    stopped = new DeliveryResult.Retry(where + reason, retryAfter);
                case Outcome.Rejected(String reason) -> stopped = new DeliveryResult.Failed(where + reason);
            }
        }
        markDead(answered, firstOwner);
        return stopped != null ? stopped : tally(devices, answered);
    }

    /** Active recipients' tokens, in a stable order, each flagged when it is already dead. */
    private List<Device> devices(List<String> recipients) {
        return jdbc.sql("""
                        select r.id, d.value ->> 'platform' as platform, d.value ->> 'token' as token,
                            exists (select 1 from dead_push_tokens x where x.token = d.value ->> 'token') as dead
                        from recipients r
                        cross join lateral jsonb_array_elements(
                            case when jsonb_typeof(r.channels -> 'push') = 'array'
                                then r.channels -> 'push' else '[]'::jsonb end
                        ) with ordinality as d(value, position)
                        where r.id = any(cast(:ids as text[])) and r.active
                            and coalesce(d.value ->> 'token', '') <> ''
                        order by r.id, d.position
                        """)
                .param("ids", recipients.toArray(String[]::new))
                .query((rs, row) -> new Device(
                        rs.getString("id"),
                        new PushToken(rs.getString("platform"), rs.getString("token")),
                        rs.getBoolean("dead")))
                .list();
    }

    private void markDead(Map<String, TokenStatus> answered, Map<String, String> firstOwner) {
        List<String> tokens = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        answered.forEach((token, status) -> {
            if (status == TokenStatus.INVALID) {
                tokens.add(token);
                owners.add(firstOwner.get(token));
            }
        });
        if (tokens.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        insert into dead_push_tokens (token, recipient_id)
                        select token, recipient_id
                        from unnest(cast(:tokens as text[]), cast(:owners as text[])) as t(token, recipient_id)
                        on conflict (token) do nothing
                        """)
                .param("tokens", tokens.toArray(String[]::new))
                .param("owners", owners.toArray(String[]::new))
                .update();
    }

    private static DeliveryResult tally(List<Device> devices, Map<String, TokenStatus> answered) {
        Map<String, Reach> reach = new LinkedHashMap<>();
        for (Device device : devices) {
            TokenStatus status = device.dead()
                    ? TokenStatus.INVALID
                    : answered.getOrDefault(device.token().token(), TokenStatus.ERROR);
            reach.merge(device.recipientId(), Reach.of(status), Reach::and);
        }
        int delivered = 0;
        int failed = 0;
        int unsure = 0;
        for (Reach r : reach.values()) {
            switch (r) {
                case REACHED -> delivered++;
                case UNREACHABLE -> failed++;
                case UNSURE -> unsure++;
            }
        }
        if (unsure > 0) {
            return new DeliveryResult.Retry(
                    "gateway reported errors for every device of " + unsure + " recipient(s)", null);
        }
        return new DeliveryResult.Delivered(delivered, failed);
    }

    private record Device(String recipientId, PushToken token, boolean dead) {}

    /** What one recipient's devices add up to: one ok device reaches them, only invalid ones never will. */
    private enum Reach {
        REACHED,
        UNSURE,
        UNREACHABLE;

        static Reach of(TokenStatus status) {
            return switch (status) {
                case OK -> REACHED;
                case ERROR -> UNSURE;
                case INVALID -> UNREACHABLE;
            };
        }

        Reach and(Reach other) {
            return compareTo(other) <= 0 ? this : other;
        }
    }
}
