package dev.messagecenter.platform.problem;

import java.util.List;

/**
 * Thrown by features to answer with a problem: the handler turns it into an RFC 9457 body with
 * the given type, detail and offending fields.
 */
public class ApiProblem extends RuntimeException {

    private final ProblemType type;
    private final List<FieldViolation> violations;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    public ApiProblem(ProblemType type, String detail, List<FieldViolation> violations) {
        super(detail, null, false, false);
        this.type = type;
        this.violations = List.copyOf(violations);
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(ProblemType.NOT_FOUND, what + " not found");
    }

    /** A 400 naming every offending field, with a detail that lists them all. */
    public static ApiProblem validation(List<FieldViolation> violations) {
        return new ApiProblem(ProblemType.VALIDATION_FAILED, summary(violations), violations);
    }

    static String summary(List<FieldViolation> violations) {
        StringBuilder detail = new StringBuilder();
        for (FieldViolation violation : violations) {
            if (!detail.isEmpty()) {
                detail.append("; ");
            }
            detail.append(violation.field()).append(": ").append(violation.message());
        }
        return detail.isEmpty() ? "Request is not valid" : detail.toString();
    }

    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(
                ProblemType.VALIDATION_FAILED, field + ": " + message, List.of(new FieldViolation(field, message)));
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
