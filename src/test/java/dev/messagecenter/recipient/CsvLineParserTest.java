package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagecenter.platform.problem.ApiProblem;
import org.junit.jupiter.api.Test;

class CsvLineParserTest {

    @Test
    void splitsQuotedFieldsWithCommasAndDoubledQuotes() {
        assertThat(CsvLineParser.split("a,\"b,c\",\"say \"\"hi\"\"\",,"))
                .containsExactly("a", "b,c", "say \"hi\"", "", "");
    }

    @Test
    void rejectsAnUnterminatedQuote() {
        assertThatThrownBy(() -> CsvLineParser.split("a,\"b")).isInstanceOf(LineRejectedException.class);
    }

    @Test
    void readsColumnsInAnyOrder() {
        RecipientDraft draft =
                CsvLineParser.forHeader("city,push,id,kind,tags").parse("wuhan,ios:t1|android:t2,r-1,rider,a|b");
        assertThat(draft.id()).isEqualTo("r-1");
        assertThat(draft.city()).isEqualTo("wuhan");
        assertThat(draft.tags()).containsExactly("a", "b");
        assertThat(draft.channels().push()).containsExactly(new PushToken("ios", "t1"), new PushToken("android", "t2"));
    }

    @Test
    void toleratesAByteOrderMarkAndCase() {
        RecipientDraft draft = CsvLineParser.forHeader("\uFEFFID,Kind,City").parse("r-1,rider,wuhan");
        assertThat(draft.kind()).isEqualTo("rider");
    }

    @Test
    void refusesHeadersItCannotUse() {
        assertThatThrownBy(() -> CsvLineParser.forHeader("id,kind,city,city")).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> CsvLineParser.forHeader("id,kind")).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> CsvLineParser.forHeader("id,kind,city,colour")).isInstanceOf(ApiProblem.class);
    }

    @Test
    void rejectsLinesWithTheWrongNumberOfFields() {
        CsvLineParser parser = CsvLineParser.forHeader("id,kind,city");
        assertThatThrownBy(() -> parser.parse("r-1,rider"))
                .isInstanceOf(LineRejectedException.class)
                .hasMessageContaining("expected 3 fields");
    }
}
