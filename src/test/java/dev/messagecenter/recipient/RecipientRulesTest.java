package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.platform.problem.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipientRulesTest {

    @Test
    void acceptsAFullRecipientAndDropsDuplicateTags() {
        RecipientDraft draft = RecipientRules.draft(
                "rider:42@sh",
                "rider",
                "shanghai",
                List.of("ev", "ev", "vip"),
                "zh-CN",
                new Channels(List.of(new PushToken("ios", "abc")), "a@b.io", "https://x.io/h"));
        assertThat(draft.tags()).containsExactly("ev", "vip");
    }

    @Test
    void namesEveryOffendingField() {
        assertThatThrownBy(() -> RecipientRules.draft(null, "Rider", "", List.of("ok", "NOT OK"), "?", null))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.violations())
                                .extracting(FieldViolation::field)
                                .containsExactly("id", "kind", "city", "tags[1]", "locale"));
    }

    @Test
    void limitsLengths() {
        assertThatThrownBy(() -> RecipientRules.requireId("a".repeat(129), "id"))
                .isInstanceOf(ApiProblem.class);
        assertThat(RecipientRules.requireId("a".repeat(128), "id")).hasSize(128);
        assertThatThrownBy(() -> RecipientRules.draft(
                        "r",
                        "rider",
                        "x",
                        null,
                        null,
                        new Channels(List.of(new PushToken("ios", "t".repeat(4097))), null, null)))
                .isInstanceOf(ApiProblem.class)
                .hasMessageContaining("channels.push[0].token");
    }

    @Test
    void refusesTheNulCharacterNamingTheField() {
        assertThatThrownBy(() -> RecipientRules.draft(
                        "r", "rider", "x", null, null, new Channels(List.of(), "a\0@b.co", "https://x.io/\0")))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.violations())
                                .containsExactly(
                                        new FieldViolation(
                                                "channels.email", "must not contain the NUL character (U+0000)"),
                                        new FieldViolation(
                                                "channels.webhook", "must not contain the NUL character (U+0000)")));
    }
}
