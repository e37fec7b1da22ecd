package dev.messagecenter.platform.security;

import dev.messagecenter.platform.problem.ProblemType;
import dev.messagecenter.platform.problem.ProblemWriter;
import dev.messagecenter.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;

/** Answers 401, 403 and requests the firewall refuses with the same problem body as every other error. */
@Component
class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private final ProblemWriter writer;

    ProblemSecurityHandlers(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        String detail = request.getHeader(HttpHeaders.AUTHORIZATION) == null
                ? "Send Authorization: Bearer <token>"
                : "The bearer token is not valid for this endpoint, has expired or was revoked";
        writer.write(request, response, Problems.of(ProblemType.UNAUTHORIZED, detail));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        writer.write(
                request,
                response,
                Problems.of(ProblemType.FORBIDDEN, "This key's scopes do not allow " + request.getMethod() + " here"));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        writer.write(
                request,
                response,
                Problems.of(
                        ProblemType.VALIDATION_FAILED,
                        "The request URL is not acceptable (for example, an empty path segment or an encoded slash)"));
    }
}
