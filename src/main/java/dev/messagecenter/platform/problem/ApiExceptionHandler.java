package dev.messagecenter.platform.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Maps every failure to an RFC 9457 problem. Nothing internal (stack, SQL, class names) leaks. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem e, HttpServletRequest request) {
        return respond(Problems.of(e.type(), e.getMessage(), e.violations()), request);
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e, HttpServletRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            violations.add(new FieldViolation(error.getField(), String.valueOf(error.getDefaultMessage())));
        }
        e.getBindingResult()
                .getGlobalErrors()
                .forEach(error -> violations.add(
                        new FieldViolation(error.getObjectName(), String.valueOf(error.getDefaultMessage()))));
        return validation(violations, request);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException e, HttpServletRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        e.getParameterValidationResults()
                .forEach(result -> result.getResolvableErrors()
                        .forEach(error -> violations.add(new FieldViolation(
                                result.getMethodParameter().getParameterName(),
                                String.valueOf(error.getDefaultMessage())))));
        return validation(violations, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException e, HttpServletRequest request) {
        List<FieldViolation> violations = e.getConstraintViolations().stream()
                .map(v -> new FieldViolation(v.getPropertyPath().toString(), v.getMessage()))
                .toList();
        return validation(violations, request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(
            MissingServletRequestParameterException e, HttpServletRequest request) {
        return validation(List.of(new FieldViolation(e.getParameterName(), "is required")), request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String expected = e.getRequiredType() == null
                ? "a valid value"
                : "a value of type " + e.getRequiredType().getSimpleName();
        return validation(List.of(new FieldViolation(e.getName(), "must be " + expected)), request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PayloadTooLargeException tooLarge) {
                return tooLarge(tooLarge, request);
            }
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                String field = JsonPaths.of(unknown);
                return respond(
                        Problems.of(
                                ProblemType.UNKNOWN_FIELD,
                                "Unknown field '" + field + "'",
                                List.of(new FieldViolation(field, "is not a known field"))),
                        request);
            }
            if (cause instanceof DatabindException mismatch
                    && !mismatch.getPath().isEmpty()) {
                String field = JsonPaths.of(mismatch);
                return validation(List.of(new FieldViolation(field, "has the wrong type or value")), request);
            }
            if (cause instanceof JacksonException) {
                return respond(Problems.of(ProblemType.MALFORMED_BODY, "Body is not valid JSON"), request);
            }
        }
        return respond(Problems.of(ProblemType.MALFORMED_BODY, "Body is missing or unreadable"), request);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e, HttpServletRequest request) {
        return respond(Problems.of(ProblemType.PAYLOAD_TOO_LARGE, e.getMessage()), request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupportedMediaType(
            HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        String detail = "Content type " + e.getContentType() + " is not supported; expected one of "
                + e.getSupportedMediaTypes();
        return respond(Problems.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, detail), request);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return respond(
                Problems.of(ProblemType.NOT_ACCEPTABLE, "Acceptable representations: " + e.getSupportedMediaTypes()),
                request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> methodNotAllowed(
            HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(
                Problems.of(ProblemType.METHOD_NOT_ALLOWED, "Method " + e.getMethod() + " is not allowed here"),
                request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request) {
        return respond(Problems.of(ProblemType.NOT_FOUND, "No such resource"), request);
    }

    @ExceptionHandler({
        CannotGetJdbcConnectionException.class,
        CannotCreateTransactionException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessResourceException.class,
        QueryTimeoutException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
        log.warn("Database unavailable for {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
        ResponseEntity<ProblemDetail> response = respond(
                Problems.of(ProblemType.SERVICE_UNAVAILABLE, "The database is unavailable; retry shortly"), request);
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(response.getBody());
    }

    @ExceptionHandler({AuthenticationException.class, AccessDeniedException.class})
    void security(Exception e) throws Exception {
        // why: Spring Security's own handlers answer these with the same problem shape
        throw e;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unhandled error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(Problems.of(ProblemType.INTERNAL_ERROR, "An internal error occurred"), request);
    }

    private static ResponseEntity<ProblemDetail> validation(
            List<FieldViolation> violations, HttpServletRequest request) {
        return respond(Problems.of(ProblemType.VALIDATION_FAILED, ApiProblem.summary(violations), violations), request);
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpServletRequest request) {
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        return ResponseEntity.status(HttpStatusCode.valueOf(problem.getStatus()))
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
