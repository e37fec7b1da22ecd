package dev.messagecenter.testfixtures;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A push gateway for tests and the benchmark: {@code POST /v1/push} as {@code PushGatewayClient}
 * speaks it, answering {@code ok} per token, {@code invalid} for rejected tokens and tokens
 * starting with {@code invalid-}, {@code error} for tokens starting with {@code error-}. It counts what it accepted, and can be told to fail the next
 * requests, to answer late, or to require a header. {@code GET /stats} and {@code POST /reset}
 * serve a gateway run as its own process ({@link #main}). Thread-safe.
 */
public final class FakePushGateway implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    // why: a late answer is scheduled, so a slow gateway holds no thread and the test calls no sleep
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    private final Map<String, LongAdder> deliveries = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<String> batchIds = new CopyOnWriteArrayList<>();
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private volatile Duration delay = Duration.ZERO;
    private volatile @Nullable JsonNode lastRequest;
    private volatile @Nullable String requiredHeaderName;
    private volatile @Nullable String requiredHeaderValue;
    private @Nullable Failure failure;

    private record Failure(
            int remaining, int status, @Nullable Duration retryAfter) {}

    private FakePushGateway(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(handlers);
        server.createContext("/v1/push", this::push);
        server.createContext("/stats", this::stats);
        server.createContext("/reset", exchange -> {
            reset();
            respond(exchange, 204, null, null);
        });
        server.start();
    }

    /** Starts on a random free port of the loopback interface. */
    public static FakePushGateway start() {
        return start(0);
    }

    public static FakePushGateway start(int port) {
        try {
            return new FakePushGateway(port);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the fake push gateway on port " + port, e);
        }
    }

    /** Runs until killed: {@code --port N} (default 8099), {@code --delay-ms N} (default 0). */
    public static void main(String[] args) throws InterruptedException {
        int port = 8099;
        long delayMs = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--delay-ms" -> delayMs = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        FakePushGateway gateway = start(port);
        gateway.delay(Duration.ofMillis(delayMs));
        System.out.println("Fake push gateway listening on " + gateway.baseUrl());
        new CountDownLatch(1).await();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort();
    }

    /** Fails the next {@code n} push requests with {@code status}, accepting nothing from them. */
    public void failNext(int n, int status) {
        failNext(n, status, null);
    }

    /** As {@link #failNext(int, int)}, with a {@code Retry-After} header in seconds. */
    public synchronized void failNext(int n, int status, @Nullable Duration retryAfter) {
        failure = new Failure(n, status, retryAfter);
    }

    /** Tokens to answer {@code invalid}, on top of those starting with {@code invalid-}. */
    public void rejectTokens(Set<String> tokens) {
        rejected.addAll(tokens);
    }

    /** Stops answering {@code invalid} for tokens given to {@link #rejectTokens}. */
    public void acceptTokens(Set<String> tokens) {
        rejected.removeAll(tokens);
    }

    /** Answers every push request this late. */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Answers 401 to push requests that lack this header value. */
    public void requireHeader(String name, String value) {
        requiredHeaderName = name;
        requiredHeaderValue = value;
    }

    public long deliveredCount(String token) {
        LongAdder count = deliveries.get(token);
        return count == null ? 0 : count.sum();
    }

    public long totalDeliveries() {
        return total.sum();
    }

    public int distinctTokens() {
        return deliveries.size();
    }

    /** Push requests that were answered 2xx. */
    public long batches() {
        return batches.get();
    }

    /** Batch ids of the push requests answered 2xx, in arrival order. */
    public List<String> batchIds() {
        return List.copyOf(batchIds);
    }

    /** The body of the last push request answered 2xx. */
    public @Nullable JsonNode lastRequest() {
        return lastRequest;
    }

    /** Forgets counts, rejections, failures, delay and the required header. */
    public synchronized void reset() {
        deliveries.clear();
        total.reset();
        batches.set(0);
        batchIds.clear();
        rejected.clear();
        delay = Duration.ZERO;
        requiredHeaderName = null;
        requiredHeaderValue = null;
        failure = null;
        lastRequest = null;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(0);
        timer.shutdownNow();
        handlers.shutdownNow();
    }

    private synchronized @Nullable Failure takeFailure() {
        Failure next = failure;
        if (next == null) {
            return null;
        }
        failure = next.remaining() > 1 ? new Failure(next.remaining() - 1, next.status(), next.retryAfter()) : null;
        return next;
    }

    private void push(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, null, null);
            return;
        }
        String name = requiredHeaderName;
        if (name != null
                && !String.valueOf(requiredHeaderValue)
                        .equals(exchange.getRequestHeaders().getFirst(name))) {
            respond(exchange, 401, null, null);
            return;
        }
        Failure failed = takeFailure();
        if (failed != null) {
            later(() -> respond(exchange, failed.status(), null, failed.retryAfter()));
            return;
        }
        JsonNode request;
        try (InputStream body = exchange.getRequestBody()) {
            request = json.readTree(body);
        } catch (JacksonException e) {
            respond(exchange, 400, null, null);
            return;
        }
        if (!request.path("tokens").isArray() || !request.path("batchId").isString()) {
            respond(exchange, 400, null, null);
            return;
        }
        ObjectNode answer = json.createObjectNode();
        ArrayNode results = answer.putArray("results");
        for (JsonNode entry : request.path("tokens")) {
            String token = entry.path("token").asString("");
            String status = token.startsWith("invalid-") || rejected.contains(token)
                    ? "invalid"
                    : token.startsWith("error-") ? "error" : "ok";
            if (status.equals("ok")) {
                deliveries.computeIfAbsent(token, t -> new LongAdder()).increment();
                total.increment();
            }
            results.addObject().put("token", token).put("status", status);
        }
        batches.incrementAndGet();
        batchIds.add(request.path("batchId").asString());
        lastRequest = request;
        byte[] body = json.writeValueAsBytes(answer);
        later(() -> respond(exchange, 200, body, null));
    }

    private void stats(HttpExchange exchange) throws IOException {
        ObjectNode stats = json.createObjectNode()
                .put("totalDeliveries", totalDeliveries())
                .put("distinctTokens", distinctTokens())
                .put("batches", batches());
        respond(exchange, 200, json.writeValueAsBytes(stats), null);
    }

    private void later(Answer answer) throws IOException {
        Duration wait = delay;
        if (wait.isZero()) {
            answer.send();
            return;
        }
        timer.schedule(
                () -> {
                    try {
                        answer.send();
                    } catch (IOException e) {
                        // why: the client gave up waiting and closed the connection; nobody to answer
                    }
                },
                wait.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    @FunctionalInterface
    private interface Answer {
        void send() throws IOException;
    }

    private static void respond(
            HttpExchange exchange, int status, byte @Nullable [] body, @Nullable Duration retryAfter)
            throws IOException {
        try (exchange) {
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter.toSeconds()));
            }
            if (body == null) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
