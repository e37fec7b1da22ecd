package dev.messagecenter.bench;

import static org.awaitility.Awaitility.await;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntPredicate;

/**
 * Prepares live messages (segment broadcasts over a few random cities each, INBOX only, and direct
 * messages to a few recipients of the token pool each), waits until all are {@code SENT}, then
 * {@code inboxClients} clients read {@code GET /api/v1/inbox} of random token holders.
 */
final class InboxScenario {

    private static final int RECIPIENTS_PER_DIRECT = 5;
    private static final int CITIES_PER_BROADCAST = 3;
    private static final int SETUP_CLIENTS = 16;

    static void run(Target target) {
        BenchOptions options = target.options();
        Http http = target.http();
        long setupStart = System.nanoTime();
        List<BroadcastScenario.Probe> pool = BroadcastScenario.tokens(target, options.inboxTokens(), new HashSet<>());
        ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
        int total = options.inboxBroadcasts() + options.inboxDirects();
        ClosedLoop.Result creates = ClosedLoop.run(SETUP_CLIENTS, Duration.ofMinutes(30), total, n -> {
            String json;
            if (n < options.inboxBroadcasts()) {
                Set<String> cities = new TreeSet<>();
                while (cities.size() < CITIES_PER_BROADCAST) {
                    cities.add(Population.city(target.random().nextInt(Population.CITIES)));
                }
                String kinds = switch (n % 3) {
                    case 0 -> "[\"rider\"]";
                    case 1 -> "[\"merchant\"]";
                    default -> "[\"rider\",\"merchant\"]";
                };
                json = """
                        {"title":"Notice %d","body":"Road works in your area this week","category":"ops",\
                        "audience":{"kinds":%s,"cities":%s},"channels":["INBOX"],"pinned":%b}""".formatted(n, kinds, Http.JSON.writeValueAsString(cities), n % 10 == 0);
            } else {
                List<String> recipients = new ArrayList<>();
                for (int i = 0; i < RECIPIENTS_PER_DIRECT; i++) {
                    recipients.add(Population.id(
                            pool.get(target.random().nextInt(pool.size())).recipient()));
                }
                json = """
                        {"title":"Message %d","body":"Your weekly summary is ready",\
                        "audience":{"recipients":%s},"channels":["INBOX"]}""".formatted(n, Http.JSON.writeValueAsString(new TreeSet<>(recipients)));
            }
            created.add(http.createMessage(json));
            return true;
        });
        if (creates.errors() > 0) {
            throw new IllegalStateException(creates.errors() + " of " + total + " inbox messages not created");
        }
        List<String> ids = new ArrayList<>(created);
        ClosedLoop.run(SETUP_CLIENTS, Duration.ofMinutes(30), ids.size(), n -> {
            await("message " + ids.get(n) + " SENT")
                    .atMost(Duration.ofMinutes(15))
                    .pollInterval(Duration.ofMillis(200))
                    .pollInSameThread()
                    .until(() -> http.messageStatus(ids.get(n)).equals("SENT"));
            return true;
        });
        target.detail("inbox.setupSeconds", (System.nanoTime() - setupStart) / 1e9);
        target.detail("inbox.vacuumSeconds", vacuum(target));

        IntPredicate read = n -> {
            String token = pool.get(target.random().nextInt(pool.size())).token();
            return http.get("/api/v1/inbox", token).status() == 200;
        };
        ClosedLoop.warmUp(options, options.inboxClients(), read);
        ClosedLoop.Result reads = target.costPerRequest(
                "inbox", "Read",
                () -> ClosedLoop.run(options.inboxClients(), options.inboxDuration(), Long.MAX_VALUE, read));
        target.detail("inbox.requests", reads.ok());
        target.detail("inbox.errors", reads.errors());
        target.detail("inbox.p50Ms", reads.latencies().percentileMillis(50));
        target.detail("inbox.closedLoopP99Ms", reads.latencies().percentileMillis(99));
        target.figure("inbox.requestsPerSec", reads.perSecond());
        // why: a closed loop of 64 clients runs at the service's limit, where each answer waits for
        // the 63 before it (mean latency = 64 / rate): its p99 is a queue's length. The bar's p99
        // is at a rate: here the reads arrive at it whatever the answers' pace
        long harnessPausesBefore = harnessGcPauseMillis();
        Optional<MachineCpu> cpu = MachineCpu.start(http);
        ClosedLoop.Result paced =
                ClosedLoop.paced(options.inboxClients(), options.inboxRate(), options.inboxDuration(), read);
        // why: at the bar's rate the service, the database and the load generator share two cores;
        // how busy those were, and who used them, tells a queue from a slow service
        cpu.ifPresent(usage -> usage.record(target, "inbox.paced", paced.ok()));
        // why: the load generator's own collections stop its clock too; their time counts in the
        // paced latencies as if the service had taken it
        target.detail("inbox.pacedHarnessGcMs", harnessGcPauseMillis() - harnessPausesBefore);
        target.detail("inbox.pacedRate", options.inboxRate());
        target.detail("inbox.pacedRequests", paced.ok());
        target.detail("inbox.pacedErrors", paced.errors());
        target.detail("inbox.pacedPerSec", paced.perSecond());
        target.detail("inbox.pacedP50Ms", paced.latencies().percentileMillis(50));
        // why: the tail's shape tells a queue (p90 near p99) from rare stalls (p90 near p50)
        target.detail("inbox.pacedP90Ms", paced.latencies().percentileMillis(90));
        target.detail("inbox.pacedP999Ms", paced.latencies().percentileMillis(99.9));
        target.detail("inbox.pacedMaxMs", paced.latencies().maxMillis());
        target.figure("inbox.pacedP99Ms", paced.latencies().percentileMillis(99));
    }

    /** Milliseconds this JVM (the load generator) has spent in collection pauses so far. */
    private static long harnessGcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                // why: ZGC's "Cycles" beans time concurrent work, not pauses
                .filter(gc -> !gc.getName().contains("Cycles"))
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .filter(millis -> millis > 0)
                .sum();
    }

    /**
     * Vacuums and analyzes the database the setup just wrote, as autovacuum does within a minute of
     * such writes in a running system, so that the reads are measured on the tables' steady state
     * rather than on whichever side of autovacuum's next round they fall; the seconds it took.
     */
    private static double vacuum(Target target) {
        long start = System.nanoTime();
        try (Connection connection = target.database();
                Statement statement = connection.createStatement()) {
            statement.execute("vacuum (analyze)");
        } catch (SQLException e) {
            throw new IllegalStateException("vacuum before the inbox reads failed", e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The same clients against the cheapest endpoint: what this machine's loopback HTTP can carry. */
    static void loopbackReference(Target target) {
        IntPredicate liveness = n -> target.http().get("/actuator/health/liveness", null).status() == 200;
        ClosedLoop.warmUp(target.options(), target.options().inboxClients(), liveness);
        ClosedLoop.Result result = ClosedLoop.run(
                target.options().inboxClients(), target.options().referenceDuration(), Long.MAX_VALUE, liveness);
        target.figure("reference.loopbackP99Ms", result.latencies().percentileMillis(99));
        target.figure("reference.loopbackRequestsPerSec", result.perSecond());
    }
}
