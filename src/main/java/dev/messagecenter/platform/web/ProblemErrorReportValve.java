package dev.messagecenter.platform.web;

import dev.messagecenter.platform.problem.ProblemType;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's answer to a request it refuses before the application sees it (a request line or
 * header it cannot read, such as a NUL character in the path), as a problem body instead of
 * Tomcat's HTML error page. Requests the application handles write their own problems; this
 * writes only when an error response has no body yet.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean writable = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, writable);
        if (!writable.get()) {
            return;
        }
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body(status));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // why: the client is gone or the response was taken meanwhile; nothing more to say
        }
    }

    /** The problem for a status; its fields are constants, so it needs no JSON library. */
    static String body(int status) {
        if (status == HttpStatus.BAD_REQUEST.value()) {
            return problem(
                    ProblemType.MALFORMED_REQUEST.uri().toString(),
                    ProblemType.MALFORMED_REQUEST.title(),
                    status,
                    "The request line or a header could not be read (an invalid character, or too long)");
        }
        return Arrays.stream(ProblemType.values())
                .filter(type -> type.status().value() == status)
                .findFirst()
                .map(type -> problem(type.uri().toString(), type.title(), status, null))
                .orElseGet(() -> {
                    HttpStatus known = HttpStatus.resolve(status);
                    return problem("about:blank", known == null ? "Error" : known.getReasonPhrase(), status, null);
                });
    }

    private static String problem(String type, String title, int status, String detail) {
        return "{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                + (detail == null ? "" : ",\"detail\":\"" + detail + "\"") + "}";
    }
}
