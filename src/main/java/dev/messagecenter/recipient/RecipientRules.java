package dev.messagecenter.recipient;

import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.FieldViolation;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules a recipient must meet, shared by the single upsert and the bulk import so that both
 * accept exactly the same recipients.
 */
public final class RecipientRules {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_TAGS = 32;
    public static final int MAX_PUSH_TOKENS = 10;
    public static final int MAX_TOKEN_LENGTH = 4096;
    public static final int MAX_EMAIL_LENGTH = 254;
    public static final int MAX_WEBHOOK_LENGTH = 2048;

    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    static final Pattern CITY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,63}");
    static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,3}");
    static final Pattern PLATFORM = Pattern.compile("[a-z][a-z0-9_-]{1,15}");
    static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private RecipientRules() {}

    /** The draft, or an {@link ApiProblem} naming every offending field. */
    public static RecipientDraft draft(
            @Nullable String id,
            @Nullable String kind,
            @Nullable String city,
            @Nullable List<String> tags,
            @Nullable String locale,
            @Nullable Channels channels) {
        List<FieldViolation> violations = new ArrayList<>();
        checkId(id, "id", violations);
        check(kind, "kind", KIND, "a lowercase token like 'rider' (a-z, 0-9, _ or -, at most 32)", violations);
        check(city, "city", CITY, "a lowercase token like 'shanghai' (a-z, 0-9, _ or -, at most 64)", violations);
        List<String> cleanTags = tags(tags, violations);
        if (locale != null) {
            check(locale, "locale", LOCALE, "a language tag like 'en' or 'zh-CN'", violations);
        }
        Channels cleanChannels = channels(channels, violations);
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        return new RecipientDraft(id, kind, city, cleanTags, locale, cleanChannels);
    }

    /** Throws a 400 problem naming {@code field} unless {@code id} is a valid recipient id. */
    public static String requireId(@Nullable String id, String field) {
        List<FieldViolation> violations = new ArrayList<>();
        checkId(id, field, violations);
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        return id;
    }

    /** Throws a 400 problem unless the value is a valid kind, city or tag token. */
    public static String requireToken(String value, String field, Kind kind) {
        Pattern pattern = switch (kind) {
            case KIND -> KIND;
            case CITY -> CITY;
            case TAG -> TAG;
        };
        if (!pattern.matcher(value).matches()) {
            throw ApiProblem.invalid(
                    field,
                    kind == Kind.TAG
                            ? "must be a lowercase token (a-z, 0-9, _ . : -, at most 64)"
                            : "must be a lowercase token (a-z, 0-9, _ or -)");
        }
        return value;
    }

    public enum Kind {
        KIND,
        CITY,
        TAG
    }

    private static void checkId(@Nullable String id, String field, List<FieldViolation> violations) {
        check(
                id,
                field,
                ID,
                "1 to " + MAX_ID_LENGTH + " characters: letters, digits and . _ : @ -, starting with a letter or digit",
                violations);
    }

    private static List<String> tags(@Nullable List<String> tags, List<FieldViolation> violations) {
        if (tags == null) {
            return List.of();
        }
        if (tags.size() > MAX_TAGS) {
            violations.add(new FieldViolation("tags", "at most " + MAX_TAGS + " tags"));
            return List.of();
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (check(tag, "tags[" + i + "]", TAG, "a lowercase token (a-z, 0-9, _ . : -, at most 64)", violations)) {
                unique.add(tag);
            }
        }
        return List.copyOf(unique);
    }

    private static Channels channels(@Nullable Channels channels, List<FieldViolation> violations) {
        if (channels == null) {
            return Channels.NONE;
        }
        List<PushToken> push = channels.push();
        if (push.size() > MAX_PUSH_TOKENS) {
            violations.add(new FieldViolation("channels.push", "at most " + MAX_PUSH_TOKENS + " devices"));
        } else {
            for (int i = 0; i < push.size(); i++) {
                PushToken token = push.get(i);
                String at = "channels.push[" + i + "]";
                if (token == null) {
                    violations.add(new FieldViolation(at, "must be an object with platform and token"));
                    continue;
                }
                check(token.platform(), at + ".platform", PLATFORM, "a platform like 'ios' or 'android'", violations);
                if (check(token.token(), at + ".token", TOKEN, "a token without spaces", violations)
                        && token.token().length() > MAX_TOKEN_LENGTH) {
                    violations.add(new FieldViolation(at + ".token", "at most " + MAX_TOKEN_LENGTH + " characters"));
                }
            }
        }
        String email = channels.email();
        if (!Storable.text(email)) {
            violations.add(new FieldViolation("channels.email", Storable.NUL_REASON));
        } else if (email != null
                && (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches())) {
            violations.add(new FieldViolation(
                    "channels.email", "must be an email address of at most " + MAX_EMAIL_LENGTH + " characters"));
        }
        String webhook = channels.webhook();
        if (!Storable.text(webhook)) {
            violations.add(new FieldViolation("channels.webhook", Storable.NUL_REASON));
        } else if (webhook != null && (webhook.length() > MAX_WEBHOOK_LENGTH || !isHttpUrl(webhook))) {
            violations.add(new FieldViolation(
                    "channels.webhook", "must be an http(s) URL of at most " + MAX_WEBHOOK_LENGTH + " characters"));
        }
        return channels;
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static boolean check(
            @Nullable String value, String field, Pattern pattern, String expected, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            violations.add(new FieldViolation(field, "is required"));
            return false;
        }
        if (!Storable.text(value)) {
            violations.add(new FieldViolation(field, Storable.NUL_REASON));
            return false;
        }
        if (!pattern.matcher(value).matches()) {
            violations.add(new FieldViolation(field, "must be " + expected));
            return false;
        }
        return true;
    }
}
