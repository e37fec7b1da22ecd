package dev.messagecenter.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;

/**
 * One INBOX+PUSH broadcast to both kinds in all 100 cities, i.e. the whole population. Measures
 * create call to {@code SENT} with every token acknowledged by the gateway, and create call to
 * "visible in the inbox" for a few random recipients (the max). While it runs, and when asked,
 * one-recipient INBOX messages are sent every 50 ms and their create-to-visible latency recorded,
 * after the same sends have run unmeasured for the warm-up time.
 */
final class BroadcastScenario {

    private static final int VISIBILITY_PROBES = 5;
    private static final int DIRECT_PROBE_POOL = 50;
    private static final int WARMUP_CLIENTS = 4;
    private static final Duration PROBE_EVERY = Duration.ofMillis(50);
    private static final Duration BAR = Duration.ofMillis(250);
    private static final Duration SLOW_POLL = Duration.ofMillis(50);
    private static final Duration SLOWER_POLL = Duration.ofMillis(250);

    /** The broadcast's wall-clock window, for reading the GC log afterwards. */
    record Window(long fromMillis, long toMillis, double sampledPeakHeapMb) {}

    static Window run(Target target, boolean reportBroadcast, boolean reportDirect) throws Exception {
        Population population = target.population();
        Http http = target.http();
        Set<Integer> used = new HashSet<>();
        List<Probe> visibility = tokens(target, VISIBILITY_PROBES, used);
        List<Probe> directPool = reportDirect ? tokens(target, DIRECT_PROBE_POOL, used) : List.of();
        target.gateway().reset();
        Duration timeout = Duration.ofSeconds(Math.max(180, (long) (population.size() / 1_000_000.0 * 1200)));

        DirectLatencies direct = new DirectLatencies(new Latencies(), new Latencies(), new LongAdder());
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
        HeapSampler heap = new HeapSampler(http);
        InboxWatch watch = reportDirect ? new InboxWatch(target) : null;
        if (watch != null) {
            warmUpDirect(target, directPool, watch);
        }
        long fromMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        String messageId;
        try {
            if (reportDirect) {
                pacer.scheduleAtFixedRate(
                        () -> probes.submit(() -> directProbe(target, directPool, watch, direct)),
                        0,
                        PROBE_EVERY.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            messageId = http.createMessage(
                    """
                    {"title":"Bench broadcast %d","body":"Heavy rain expected after 14:00 in every city, ride carefully",\
                    "category":"safety","audience":{"kinds":["rider","merchant"],"cities":%s},"channels":["INBOX","PUSH"]}""".formatted(target.run(), Http.JSON.writeValueAsString(Population.allCities())));
            List<Future<Long>> visible = new ArrayList<>();
            for (Probe probe : visibility) {
                visible.add(probes.submit(
                        () -> awaitVisible(http, probe.token(), messageId, start, timeout, Duration.ofMillis(25))));
            }
            await("broadcast " + messageId + " SENT with every token pushed")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .pollInSameThread()
                    .until(() -> {
                        if (target.gateway().distinctTokens() < population.size()) {
                            return false;
                        }
                        JsonNode stats = http.adminGet("/api/v1/messages/" + messageId + "/stats")
                                .json();
                        String status = stats.path("status").asString();
                        if (status.equals("FAILED")) {
                            throw new IllegalStateException("broadcast FAILED: " + stats);
                        }
                        return status.equals("SENT");
                    });
            double sentSeconds = (System.nanoTime() - start) / 1e9;
            long visibleMax = 0;
            for (Future<Long> future : visible) {
                visibleMax = Math.max(visibleMax, future.get());
            }
            JsonNode stats =
                    http.adminGet("/api/v1/messages/" + messageId + "/stats").json();
            target.detail("broadcast.stats", stats.toString());
            target.detail("broadcast.gatewayBatches", target.gateway().batches());
            target.detail("broadcast.gatewayDeliveries", target.gateway().totalDeliveries());
            if (reportBroadcast) {
                target.figure("broadcast.sentSeconds", sentSeconds);
                target.figure("broadcast.inboxVisibleMaxMs", visibleMax / 1e6);
            }
        } finally {
            heap.close();
            pacer.shutdownNow();
            probes.shutdown();
            probes.awaitTermination(2, TimeUnit.MINUTES);
            if (watch != null) {
                watch.close();
            }
        }
        long toMillis = System.currentTimeMillis();
        target.detail("heap.samples", heap.tally());
        if (reportDirect) {
            target.detail("direct.latencySamples", direct.visible().count());
            target.detail("direct.latencyErrors", direct.errors().sum());
            target.detail("direct.latencyMaxMs", direct.visible().maxMillis());
            // why: tells the create call's wait (HTTP, admission, the durable insert) from the
            // pipeline's (planning, the inbox insert) and the probe's polling
            target.detail("direct.createP50Ms", direct.create().percentileMillis(50));
            target.detail("direct.createP99Ms", direct.create().percentileMillis(99));
            target.figure("direct.latencyP50Ms", direct.visible().percentileMillis(50));
            target.figure("direct.latencyP99Ms", direct.visible().percentileMillis(99));
        }
        return new Window(fromMillis, toMillis, heap.peakMb());
    }

    record Probe(int recipient, String token) {}

    /**
     * Before the broadcast, {@code --warmup-seconds} of the direct probe's own work (a direct
     * create, then its inbox read), unmeasured and from a few clients at once: the service has only
     * imported so far, and the probes would otherwise measure its first creates and inbox reads,
     * interpreted and compiled while the broadcast takes the CPU, rather than a service that has
     * been sending direct messages all night.
     */
    private static void warmUpDirect(Target target, List<Probe> pool, InboxWatch watch) {
        DirectLatencies unused = new DirectLatencies(new Latencies(), new Latencies(), new LongAdder());
        ClosedLoop.warmUp(target.options(), WARMUP_CLIENTS, n -> {
            directProbe(target, pool, watch, unused);
            return true;
        });
    }

    static List<Probe> tokens(Target target, int count, Set<Integer> used) {
        List<Probe> probes = new ArrayList<>();
        synchronized (used) {
            while (probes.size() < Math.min(count, target.population().size() - used.size())) {
                int recipient = target.randomRecipient();
                if (used.add(recipient)) {
                    probes.add(new Probe(recipient, ""));
                }
            }
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Probe>> minted = new ArrayList<>();
            java.util.concurrent.Semaphore limit = new java.util.concurrent.Semaphore(16);
            for (Probe probe : probes) {
                minted.add(threads.submit(() -> {
                    limit.acquire();
                    try {
                        return new Probe(probe.recipient(), target.http().mintToken(Population.id(probe.recipient())));
                    } finally {
                        limit.release();
                    }
                }));
            }
            List<Probe> result = new ArrayList<>();
            for (Future<Probe> future : minted) {
                result.add(future.get());
            }
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("minting receiver tokens failed", e);
        }
    }

    /**
     * Nanoseconds from {@code start} until the recipient's first inbox page lists the broadcast
     * (whose inbox rows are not stored per recipient, so there is no row to watch). The inbox is
     * read every {@code every} up to the direct latency bar (250 ms), then every 50 ms up to a
     * second, then every 250 ms: past a second, a quarter second more or less does not change a
     * verdict against the 2 s bar, and five probes reading every 25 ms for a minute would be load.
     */
    static long awaitVisible(Http http, String token, String messageId, long start, Duration timeout, Duration every) {
        await("message " + messageId + " in an inbox")
                .atMost(timeout)
                .pollInterval((polls, previous) -> {
                    long waited = System.nanoTime() - start;
                    if (waited < BAR.toNanos()) {
                        return every;
                    }
                    return waited < Duration.ofSeconds(1).toNanos() ? max(every, SLOW_POLL) : max(every, SLOWER_POLL);
                })
                .pollInSameThread()
                .until(() -> {
                    Http.Response page = http.get("/api/v1/inbox?limit=20", token);
                    return page.status() == 200 && page.body().contains(messageId);
                });
        return System.nanoTime() - start;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** A direct probe's create-to-visible latency, and apart the create call's own share of it. */
    private record DirectLatencies(Latencies visible, Latencies create, LongAdder errors) {}

    /**
     * One direct send, create call until the recipient's inbox page lists it: the probe waits for
     * its inbox row through the {@link InboxWatch}, then reads the inbox through the API every 10 ms
     * until the page lists the message (normally the first read).
     */
    private static void directProbe(Target target, List<Probe> pool, InboxWatch watch, DirectLatencies latencies) {
        Probe probe = pool.get(target.random().nextInt(pool.size()));
        String recipientId = Population.id(probe.recipient());
        long start = System.nanoTime();
        try {
            String id = target.http().createMessage("""
                    {"title":"Direct probe","body":"Your order 42 is ready for pickup",\
                    "audience":{"recipients":["%s"]},"channels":["INBOX"]}""".formatted(recipientId));
            latencies.create().record(System.nanoTime() - start);
            watch.stored(recipientId, id).get(60, TimeUnit.SECONDS);
            await("message " + id + " listed in its inbox")
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .pollInSameThread()
                    .until(() -> {
                        Http.Response page = target.http().get("/api/v1/inbox?limit=20", probe.token());
                        return page.status() == 200 && page.body().contains(id);
                    });
            latencies.visible().record(System.nanoTime() - start);
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            latencies.errors().increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
