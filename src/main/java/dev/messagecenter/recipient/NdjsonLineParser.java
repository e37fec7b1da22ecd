package dev.messagecenter.recipient;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.JsonPaths;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/** One JSON object per line, with the same fields as the single upsert plus {@code id}. */
final class NdjsonLineParser implements RecipientLineParser {

    record RecipientLine(
            @Nullable String id,
            @Nullable String kind,
            @Nullable String city,
            @Nullable List<String> tags,
            @Nullable String locale,
            @Nullable Channels channels) {}

    private final JsonMapper json;

    NdjsonLineParser(JsonMapper json) {
        this.json = json;
    }

    @Override
    public RecipientDraft parse(String line) {
        RecipientLine parsed;
        try {
            parsed = json.readValue(line, RecipientLine.class);
        } catch (UnrecognizedPropertyException e) {
            throw new LineRejectedException("unknown field '" + e.getPropertyName() + "'");
        } catch (DatabindException e) {
            throw new LineRejectedException(
                    e.getPath().isEmpty() ? "not a JSON object" : "field '" + JsonPaths.of(e) + "' has the wrong type");
        } catch (JacksonException e) {
            throw new LineRejectedException("not valid JSON");
        }
        if (parsed == null) {
            throw new LineRejectedException("not a JSON object");
        }
        try {
            return RecipientRules.draft(
                    parsed.id(), parsed.kind(), parsed.city(), parsed.tags(), parsed.locale(), parsed.channels());
        } catch (ApiProblem e) {
            throw new LineRejectedException(e.getMessage());
        }
    }
}
