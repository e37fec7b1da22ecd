package dev.messagecenter.platform.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** The stable problem types every error response carries, as RFC 9457 {@code type} URIs. */
public enum ProblemType {
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "Request is not valid"),
    MALFORMED_BODY(HttpStatus.BAD_REQUEST, "Request body is not readable"),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "Request is malformed"),
    UNKNOWN_FIELD(HttpStatus.BAD_REQUEST, "Request body has an unknown field"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Authentication required"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Not allowed"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    CONFLICT(HttpStatus.CONFLICT, "Conflict"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    UNPROCESSABLE(HttpStatus.UNPROCESSABLE_CONTENT, "Request cannot be processed"),
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Service temporarily unavailable"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private final HttpStatus status;
    private final String title;

    ProblemType(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create("urn:message-center:problem:" + name().toLowerCase().replace('_', '-'));
    }
}
