package dev.messagecenter.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagecenter.testfixtures.ServiceIT;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Requests Tomcat refuses before any endpoint sees them (an unreadable request line or header)
 * are answered with a problem body like every other error, not Tomcat's HTML page. They are sent
 * over a bare socket, since HTTP clients refuse to send them.
 */
class MalformedRequestIT extends ServiceIT {

    @Test
    void aNulInThePathIsAProblem() throws IOException {
        String answer = raw("GET /api/v1/inbox\u0000x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertMalformedProblem(answer);
    }

    @Test
    void anInvalidCharacterInAHeaderNameIsAProblem() throws IOException {
        String answer =
                raw("GET /api/v1/inbox HTTP/1.1\r\nHost: localhost\r\nBad(Header: 1\r\nConnection: close\r\n\r\n");

        assertMalformedProblem(answer);
    }

    @Test
    void aControlCharacterInAHeaderTheServiceReadsIsRefusedByTheFirewall() throws IOException {
        // why: Tomcat passes bytes 0x80 to 0xFF in a header value; U+0085 is a control character,
        // refused when the bearer token is read, before any token check
        String answer = raw("GET /api/v1/inbox HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer abc\u0085def\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
    }

    private static void assertMalformedProblem(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(answer)
                .contains("\"type\":\"urn:message-center:problem:malformed-request\"")
                .contains("\"status\":400")
                .doesNotContain("<html")
                .doesNotContain("Tomcat");
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
