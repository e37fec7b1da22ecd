package dev.messagecenter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FirewallCharactersTest {

    /** Spring Security's default rules, as regular expressions. */
    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    /** Code points from every class the rule tells apart, printable ASCII most often. */
    private static final int[] SAMPLES = {
        'a', 'Z', '0', ' ', '~', '-', '"', '\t', '\n', '\r', 0, 0x07, 0x1f, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xe9, 0x0378,
        0x4e2d, 0x200b, 0xd800, 0xdc00, 0xe000, 0xfdd0, 0xfeff, 0xfffe, 0xffff, 0x1f600, 0x10ffff, 0xe0001
    };

    @Test
    void acceptsExactlyWhatTheDefaultPatternsAccept() {
        Random random = new Random(7);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(6);
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(
                        random.nextBoolean() ? 'a' + random.nextInt(26) : SAMPLES[random.nextInt(SAMPLES.length)]);
            }
            String s = text.toString();
            assertThat(FirewallCharacters.name(s))
                    .as("name %s", s.codePoints().boxed().toList())
                    .isEqualTo(NAMES.matcher(s).matches());
            assertThat(FirewallCharacters.value(s))
                    .as("value %s", s.codePoints().boxed().toList())
                    .isEqualTo(VALUES.matcher(s).matches());
        }
    }

    @Test
    void typicalHeadersPassAndControlCharactersDoNot() {
        assertThat(FirewallCharacters.value("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"))
                .isTrue();
        assertThat(FirewallCharacters.value("text/html;\tq=0.9, caf\u00e9")).isTrue();
        assertThat(FirewallCharacters.name("Accept-Language")).isTrue();
        assertThat(FirewallCharacters.name("X-Tab\tName")).isFalse();
        assertThat(FirewallCharacters.value("split\r\nX-Injected: 1")).isFalse();
        assertThat(FirewallCharacters.value("")).isTrue();
    }
}
