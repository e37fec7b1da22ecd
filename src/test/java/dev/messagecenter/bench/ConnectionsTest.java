package dev.messagecenter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The harness's HTTP client against the JDK's server: lengths, chunks, keep-alive and bodies. */
class ConnectionsTest {

    private HttpServer server;
    private final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void server() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fixed", exchange -> {
            clients.add(exchange.getRemoteAddress());
            answer(exchange, 200, "fixed " + exchange.getRequestHeaders().getFirst("Authorization"), false);
        });
        server.createContext("/chunked", exchange -> answer(exchange, 200, "x".repeat(20_000), true));
        server.createContext("/echo", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            answer(
                    exchange,
                    201,
                    exchange.getRequestMethod() + " "
                            + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body,
                    false);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsFixedLengthAndChunkedAnswersOnOneKeptAliveConnection() {
        try (Connections connections =
                new Connections("127.0.0.1", server.getAddress().getPort())) {
            for (int i = 0; i < 5; i++) {
                Http.Response fixed = connections.send("GET", "/fixed", "t-1", null, null, Duration.ofSeconds(5));
                assertThat(fixed.status()).isEqualTo(200);
                assertThat(fixed.body()).isEqualTo("fixed Bearer t-1");
                Http.Response chunked = connections.send("GET", "/chunked", null, null, null, Duration.ofSeconds(5));
                assertThat(chunked.body()).hasSize(20_000);
            }
            assertThat(clients).as("every request went over the same socket").hasSize(1);
        }
    }

    @Test
    void sendsABodyWithItsTypeAndLength() {
        try (Connections connections =
                new Connections("127.0.0.1", server.getAddress().getPort())) {
            Http.Response response = connections.send(
                    "POST", "/echo", "k", "application/json", "{\"title\":\"é\"}", Duration.ofSeconds(5));

            assertThat(response.status()).isEqualTo(201);
            assertThat(response.body()).isEqualTo("POST application/json {\"title\":\"é\"}");
        }
    }

    @Test
    void sendsAgainOnANewConnectionWhenTheServerClosedAKeptAliveOne() throws IOException {
        // why: a server may close an idle kept-alive connection at any time without saying so
        try (java.net.ServerSocket closing =
                        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                Connections connections = new Connections("127.0.0.1", closing.getLocalPort())) {
            Thread.ofVirtual().start(() -> {
                while (!closing.isClosed()) {
                    try (java.net.Socket socket = closing.accept()) {
                        var in = new java.io.BufferedReader(
                                new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                        String line;
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            // the request's head
                        }
                        socket.getOutputStream()
                                .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                        .getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        return;
                    }
                }
            });

            for (int i = 0; i < 3; i++) {
                Http.Response response = connections.send("GET", "/", null, null, null, Duration.ofSeconds(5));
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("ok");
            }
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body, boolean chunked)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
