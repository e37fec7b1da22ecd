package dev.messagecenter.bench;

import java.util.function.IntPredicate;

/**
 * Concurrent one-recipient INBOX creates for a fixed time: each counted create is a 201, which
 * the API promises is durable (the message, its list and its first event committed in one
 * transaction). The same creates run unmeasured for {@code --warmup-seconds} first.
 */
final class DirectThroughputScenario {

    static void run(Target target) {
        BenchOptions options = target.options();
        IntPredicate create = n -> {
            String recipient = Population.id(target.randomRecipient());
            Http.Response response = target.http().admin("POST", "/api/v1/messages", """
                    {"title":"Order %d","body":"Your order %d is on its way",\
                    "audience":{"recipients":["%s"]},"channels":["INBOX"]}""".formatted(n, n, recipient));
            return response.status() == 201;
        };
        ClosedLoop.warmUp(options, options.directClients(), create);
        ClosedLoop.Result result = target.costPerRequest(
                "direct", "Create",
                () -> ClosedLoop.run(options.directClients(), options.directDuration(), Long.MAX_VALUE, create));
        target.detail("direct.throughputCreates", result.ok());
        target.detail("direct.throughputErrors", result.errors());
        target.detail("direct.throughputCreateP99Ms", result.latencies().percentileMillis(99));
        target.figure("direct.throughputPerSec", result.perSecond());
    }
}
