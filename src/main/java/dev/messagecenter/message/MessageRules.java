package dev.messagecenter.message;

import dev.messagecenter.platform.db.Storable;
import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.FieldViolation;
import dev.messagecenter.recipient.RecipientRules;
import dev.messagecenter.recipient.Segment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The rules a message must meet before anything is stored. */
final class MessageRules {

    static final int MAX_KINDS = 50;
    static final int MAX_CITIES = 1000;
    static final int MAX_TAGS = 32;
    static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private MessageRules() {}

    /** The audience as asked for, before an inline list is stored as an audience of its own. */
    sealed interface AudienceSpec {
        record OfSegment(Segment segment) implements AudienceSpec {}

        record Inline(List<String> recipients) implements AudienceSpec {}

        record Uploaded(UUID audienceId) implements AudienceSpec {}
    }

    record Checked(
            String title,
            String body,
            String category,
            AudienceSpec audience,
            List<String> channels,
            boolean pinned,
            boolean forceRead,
            @Nullable Instant validFrom,
            @Nullable Instant validUntil,
            @Nullable Instant sendAt,
            @Nullable Lane lane) {}

    static Checked check(MessageRequest request, Set<String> knownChannels, MessageProperties limits, Instant now) {
        List<FieldViolation> violations = new ArrayList<>();
        String title = text(request.title(), "title", limits.maxTitleLength(), violations);
        String body = text(request.body(), "body", limits.maxBodyLength(), violations);
        String category = request.category() == null ? "general" : request.category();
        if (!CATEGORY.matcher(category).matches()) {
            violations.add(new FieldViolation("category", "must be a lowercase token (a-z, 0-9, _ . -, at most 64)"));
        }
        AudienceSpec audience = audience(request.audience(), limits, violations);
        List<String> channels = channels(request.channels(), knownChannels, violations);
        Instant validFrom = instant(request.validFrom(), "validFrom", violations);
        Instant validUntil = instant(request.validUntil(), "validUntil", violations);
        Instant sendAt = instant(request.sendAt(), "sendAt", violations);
        if (validUntil != null && !validUntil.isAfter(now)) {
            violations.add(new FieldViolation("validUntil", "must be in the future"));
        }
        if (validFrom != null && validUntil != null && !validUntil.isAfter(validFrom)) {
            violations.add(new FieldViolation("validUntil", "must be after validFrom"));
        }
        if (sendAt != null && sendAt.isAfter(now.plus(limits.maxScheduleAhead()))) {
            violations.add(new FieldViolation(
                    "sendAt", "must be at most " + limits.maxScheduleAhead().toDays() + " days ahead"));
        }
        if (sendAt != null && validUntil != null && !validUntil.isAfter(sendAt)) {
            violations.add(new FieldViolation("validUntil", "must be after sendAt"));
        }
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        return new Checked(
                title,
                body,
                category,
                audience,
                channels,
                Boolean.TRUE.equals(request.pinned()),
                Boolean.TRUE.equals(request.forceRead()),
                validFrom,
                validUntil,
                sendAt,
                request.lane());
    }

    private static String text(@Nullable String value, String field, int max, List<FieldViolation> violations) {
        if (value == null || value.isBlank()) {
            violations.add(new FieldViolation(field, "is required"));
            return "";
        }
        if (value.length() > max) {
            violations.add(new FieldViolation(field, "at most " + max + " characters"));
        } else if (!Storable.text(value)) {
            violations.add(new FieldViolation(field, Storable.NUL_REASON));
        }
        return value;
    }

    /** The instant, or null (and a violation) when it is outside the years the service accepts. */
    private static @Nullable Instant instant(@Nullable Instant value, String field, List<FieldViolation> violations) {
        if (!Storable.instant(value)) {
            violations.add(new FieldViolation(field, Storable.INSTANT_REASON));
            return null;
        }
        return value;
    }

    private static @Nullable AudienceSpec audience(
            MessageRequest.@Nullable AudienceRequest audience,
            MessageProperties limits,
            List<FieldViolation> violations) {
        if (audience == null) {
            violations.add(new FieldViolation("audience", "is required"));
            return null;
        }
        boolean list = audience.recipients() != null;
        boolean uploaded = audience.audienceId() != null;
        boolean segment = audience.kinds() != null || audience.cities() != null || audience.tags() != null;
        if ((list ? 1 : 0) + (uploaded ? 1 : 0) + (segment ? 1 : 0) != 1) {
            violations.add(new FieldViolation(
                    "audience", "give exactly one of recipients, audienceId, or a segment (kinds, cities, tags)"));
            return null;
        }
        if (uploaded) {
            return new AudienceSpec.Uploaded(audience.audienceId());
        }
        if (list) {
            List<String> recipients = audience.recipients();
            if (recipients.isEmpty()) {
                violations.add(new FieldViolation("audience.recipients", "must not be empty"));
                return null;
            }
            if (recipients.size() > limits.maxInlineRecipients()) {
                violations.add(new FieldViolation(
                        "audience.recipients",
                        "at most " + limits.maxInlineRecipients() + " recipients inline; upload bigger lists to"
                                + " /api/v1/audiences and send {audienceId}"));
                return null;
            }
            LinkedHashSet<String> unique = new LinkedHashSet<>();
            for (int i = 0; i < recipients.size(); i++) {
                try {
                    unique.add(RecipientRules.requireId(recipients.get(i), "audience.recipients[" + i + "]"));
                } catch (ApiProblem e) {
                    violations.addAll(e.violations());
                    if (violations.size() > 20) {
                        return null;
                    }
                }
            }
            return new AudienceSpec.Inline(List.copyOf(unique));
        }
        List<String> kinds =
                tokens(audience.kinds(), "audience.kinds", MAX_KINDS, RecipientRules.Kind.KIND, violations);
        List<String> cities =
                tokens(audience.cities(), "audience.cities", MAX_CITIES, RecipientRules.Kind.CITY, violations);
        List<String> tags = tokens(audience.tags(), "audience.tags", MAX_TAGS, RecipientRules.Kind.TAG, violations);
        if (kinds.isEmpty() && cities.isEmpty()) {
            violations.add(new FieldViolation(
                    "audience", "a segment needs kinds or cities (use both to target, e.g., riders in two cities)"));
        }
        return new AudienceSpec.OfSegment(Segment.of(kinds, cities, tags));
    }

    private static List<String> tokens(
            @Nullable List<String> values,
            String field,
            int max,
            RecipientRules.Kind kind,
            List<FieldViolation> violations) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > max) {
            violations.add(new FieldViolation(field, "at most " + max + " values"));
            return List.of();
        }
        List<String> clean = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null) {
                violations.add(new FieldViolation(field + "[" + i + "]", "is required"));
                continue;
            }
            try {
                clean.add(RecipientRules.requireToken(value, field + "[" + i + "]", kind));
            } catch (ApiProblem e) {
                violations.addAll(e.violations());
            }
        }
        return clean;
    }

    private static List<String> channels(
            @Nullable List<String> channels, Set<String> known, List<FieldViolation> violations) {
        if (channels == null || channels.isEmpty()) {
            violations.add(new FieldViolation("channels", "at least one of " + known));
            return List.of();
        }
        LinkedHashSet<String> clean = new LinkedHashSet<>();
        for (int i = 0; i < channels.size(); i++) {
            String channel = String.valueOf(channels.get(i)).toUpperCase(Locale.ROOT);
            if (!known.contains(channel)) {
                violations.add(new FieldViolation("channels[" + i + "]", "must be one of " + known));
            } else {
                clean.add(channel);
            }
        }
        return List.copyOf(clean);
    }
}
