package dev.messagecenter.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load generator's HTTP client, shared by all virtual-thread clients: requests go through
 * {@link Connections} (keep-alive HTTP/1.1 sockets); only the streamed import upload uses the
 * JDK's {@code HttpClient}.
 */
final class Http implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final Connections connections;
    private final String base;
    private final String adminKey;

    Http(int port, String adminKey) {
        this.base = "http://localhost:" + port;
        this.adminKey = adminKey;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.connections = new Connections("localhost", port);
    }

    record Response(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Response get(String path, @Nullable String bearer) {
        return connections.send("GET", path, bearer, null, null, TIMEOUT);
    }

    Response admin(String method, String path, @Nullable String json) {
        return connections.send(method, path, adminKey, json == null ? null : "application/json", json, TIMEOUT);
    }

    Response adminGet(String path) {
        return admin("GET", path, null);
    }

    Response adminUpload(String path, String contentType, HttpRequest.BodyPublisher body, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", contentType)
                .POST(body)
                .timeout(timeout)
                .build();
        return exchange(request);
    }

    /** The service's Prometheus scrape, asked for as text (the JSON-speaking client gets a 406). */
    Response prometheus() {
        return exchange(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(10))
                .build());
    }

    /**
     * The sum of every series of one metric in {@code /actuator/prometheus} whose labels contain
     * {@code labels} (empty: all of them); fails when there is none.
     */
    double metric(String name, String labels) {
        Response response = prometheus();
        if (response.status() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.status());
        }
        double sum = 0;
        boolean found = false;
        for (String line : response.body().split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labels)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("/actuator/prometheus has no " + name + " " + labels);
        }
        return sum;
    }

    private Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a message and returns its id; fails unless the answer is 201 (durable). */
    String createMessage(String json) {
        Response response = admin("POST", "/api/v1/messages", json);
        if (response.status() != 201) {
            throw new IllegalStateException("create message answered " + response);
        }
        return response.json().path("id").asString();
    }

    String mintToken(String recipientId) {
        Response response = admin("POST", "/api/v1/recipients/" + recipientId + "/token?ttl=PT12H", null);
        if (response.status() != 201) {
            throw new IllegalStateException("token for " + recipientId + " answered " + response);
        }
        return response.json().path("token").asString();
    }

    String messageStatus(String messageId) {
        return adminGet("/api/v1/messages/" + messageId).json().path("status").asString();
    }

    @Override
    public void close() {
        connections.close();
        client.close();
    }
}
