package dev.messagecenter.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The load generator's own HTTP/1.1 client: a pool of keep-alive sockets, one request at a time on
 * each, the request written in one buffer and the answer read with plain blocking reads. The JDK's
 * {@code HttpClient} spends about a core of this two-core machine at a few thousand requests per
 * second (a bare liveness check measured 2,650 req/s with it and 7,000 with {@code wrk}), so the
 * figures would describe the client; this one costs a few microseconds per request.
 *
 * <p>It speaks only what the service answers: a status line, headers, and a body with a
 * {@code Content-Length} or in {@code chunked} transfer coding. A connection idle for more than a
 * few seconds is closed instead of reused; a request that fails on a reused connection (the server
 * closed it meanwhile) is sent once more on a new one; any other failure is the request's.
 */
final class Connections implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Well below the server's keep-alive timeout, so that a reused connection is still open. */
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(5).toNanos();

    private final InetSocketAddress address;
    private final String host;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

    Connections(String host, int port) {
        this.address = new InetSocketAddress(host, port);
        this.host = host + ":" + port;
    }

    /** Sends one request and reads its whole answer; the body may be null. */
    Http.Response send(
            String method,
            String path,
            @Nullable String bearer,
            @Nullable String contentType,
            @Nullable String body,
            Duration timeout) {
        byte[] request = request(method, path, bearer, contentType, body);
        for (int attempt = 0; ; attempt++) {
            Connection connection = attempt == 0 ? reusable() : null;
            boolean reused = connection != null;
            try {
                if (connection == null) {
                    connection = new Connection(address);
                }
                connection.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                Answer answer = connection.exchange(request);
                if (answer.keepAlive()) {
                    connection.idleSince = System.nanoTime();
                    idle.add(connection);
                } else {
                    connection.close();
                }
                return answer.response();
            } catch (SocketTimeoutException e) {
                close(connection);
                throw new UncheckedIOException(e);
            } catch (IOException e) {
                close(connection);
                // why: a kept-alive connection the server closed meanwhile fails on first use; the
                // request never reached it, so it is sent once more, on a fresh connection
                if (!reused) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** An idle connection recent enough that the server still keeps it open, or null. */
    private @Nullable Connection reusable() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            if (System.nanoTime() - connection.idleSince < MAX_IDLE_NANOS) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private byte[] request(
            String method, String path, @Nullable String bearer, @Nullable String contentType, @Nullable String body) {
        StringBuilder head = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\nAccept: application/json\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null || !method.equals("GET")) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }

    private static void close(@Nullable Connection connection) {
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
    }

    private record Answer(Http.Response response, boolean keepAlive) {}

    private static final class Connection {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private long idleSince;

        Connection(InetSocketAddress address) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("connection closed before the answer");
            }
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer: " + status);
            }
            int code = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean keepAlive = parts[0].equals("HTTP/1.1");
            String header;
            while ((header = line()) != null && !header.isEmpty()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    default -> {}
                }
            }
            if (header == null) {
                throw new IOException("connection closed in the answer's headers");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 512);
            if (chunked) {
                while (true) {
                    String size = line();
                    if (size == null) {
                        throw new IOException("connection closed in a chunked body");
                    }
                    int semicolon = size.indexOf(';');
                    long chunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (chunk == 0) {
                        String trailer;
                        while ((trailer = line()) != null && !trailer.isEmpty()) {
                            // trailers are not used
                        }
                        break;
                    }
                    copy(chunk, body);
                    line();
                }
            } else if (length >= 0) {
                copy(length, body);
            } else {
                in.transferTo(body);
                keepAlive = false;
            }
            return new Answer(new Http.Response(code, body.toString(StandardCharsets.UTF_8)), keepAlive);
        }

        private void copy(long length, ByteArrayOutputStream body) throws IOException {
            byte[] buffer = new byte[8192];
            long left = length;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new IOException("connection closed in the body");
                }
                body.write(buffer, 0, read);
                left -= read;
            }
        }

        /** One header line without its CRLF, or null at the end of the stream. */
        private @Nullable String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
            return line.isEmpty() ? null : line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
