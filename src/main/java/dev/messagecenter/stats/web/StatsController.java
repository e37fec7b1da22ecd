package dev.messagecenter.stats.web;

import dev.messagecenter.coordinator.PackageState;
import dev.messagecenter.coordinator.PackageStore;
import dev.messagecenter.message.Message;
import dev.messagecenter.message.MessageStore;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.stats.Counters;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A message's delivery figures; exact once the message is SENT. */
@RestController
class StatsController {

    private final MessageStore messages;
    private final Counters counters;
    private final PackageStore packages;

    StatsController(MessageStore messages, Counters counters, PackageStore packages) {
        this.messages = messages;
        this.counters = counters;
        this.packages = packages;
    }

    record PackageCounts(long total, long pending, long dispatched, long done, long failed, long canceled) {}

    record MessageStats(
            UUID messageId,
            String status,
            long targeted,
            Map<String, Long> delivered,
            long failed,
            long read,
            long acked,
            PackageCounts packages) {}

    @GetMapping("/api/v1/messages/{id}/stats")
    MessageStats stats(@PathVariable UUID id) {
        Message message = messages.find(id).orElseThrow(() -> ApiProblem.notFound("Message " + id));
        Map<String, Long> totals = counters.totals(id);
        Map<String, Long> delivered = new TreeMap<>();
        for (String channel : message.channels()) {
            delivered.put(channel, totals.getOrDefault(Counters.DELIVERED_PREFIX + channel, 0L));
        }
        Map<PackageState, Long> states = packages.countByState(id);
        long total = states.values().stream().mapToLong(Long::longValue).sum();
        return new MessageStats(
                id,
                message.status().name(),
                message.targeted(),
                delivered,
                totals.getOrDefault(Counters.FAILED, 0L),
                totals.getOrDefault(Counters.READ, 0L),
                totals.getOrDefault(Counters.ACKED, 0L),
                new PackageCounts(
                        total,
                        states.getOrDefault(PackageState.PENDING, 0L),
                        states.getOrDefault(PackageState.DISPATCHED, 0L),
                        states.getOrDefault(PackageState.DONE, 0L),
                        states.getOrDefault(PackageState.FAILED, 0L),
                        states.getOrDefault(PackageState.CANCELED, 0L)));
    }
}
