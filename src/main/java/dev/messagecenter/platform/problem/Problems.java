package dev.messagecenter.platform.problem;

import java.util.List;
import org.springframework.http.ProblemDetail;

/** Builds the one problem body shape the whole API answers with. */
public final class Problems {

    private Problems() {}

    public static ProblemDetail of(ProblemType type, String detail) {
        return of(type, detail, List.of());
    }

    public static ProblemDetail of(ProblemType type, String detail, List<FieldViolation> violations) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        if (!violations.isEmpty()) {
            problem.setProperty("errors", violations);
        }
        return problem;
    }
}
