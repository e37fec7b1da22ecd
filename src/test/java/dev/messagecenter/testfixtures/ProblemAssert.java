package dev.messagecenter.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Asserts that a response is an RFC 9457 problem of a given status and type. */
public final class ProblemAssert {

    private final ApiClient.Response response;

    private ProblemAssert(ApiClient.Response response) {
        this.response = response;
    }

    public static ProblemAssert assertProblem(ApiClient.Response response) {
        return new ProblemAssert(response);
    }

    public ProblemAssert is(int status, String type) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(status);
        assertThat(response.header("Content-Type"))
                .as("content type of %s", response)
                .startsWith("application/problem+json");
        JsonNode body = response.json();
        assertThat(body.path("type").asString()).isEqualTo("urn:message-center:problem:" + type);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("detail").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "at dev.", "SQL", "select ");
        return this;
    }

    public ProblemAssert namesField(String field) {
        List<String> fields = new ArrayList<>();
        response.json()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).as("fields named by %s", response).contains(field);
        return this;
    }

    public ProblemAssert detailContains(String text) {
        assertThat(response.json().path("detail").asString()).contains(text);
        return this;
    }
}
