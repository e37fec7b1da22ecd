package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentTest {

    private static Recipient rider(String city, boolean active, String... tags) {
        return new Recipient(
                "r", "rider", city, List.of(tags), null, Channels.NONE, active, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void matchesAnyKindAnyCityAndEveryTag() {
        Segment segment = Segment.of(List.of("rider", "merchant"), List.of("wuhan", "hefei"), List.of("ev"));
        assertThat(segment.matches(rider("wuhan", true, "ev", "vip"))).isTrue();
        assertThat(segment.matches(rider("wuhan", true, "vip"))).isFalse();
        assertThat(segment.matches(rider("beijing", true, "ev"))).isFalse();
        assertThat(segment.matches(rider("wuhan", false, "ev"))).isFalse();
    }

    @Test
    void emptyKindsOrCitiesMeanAny() {
        assertThat(Segment.of(List.of(), List.of("wuhan"), List.of()).matches(rider("wuhan", true)))
                .isTrue();
        assertThat(Segment.of(List.of("rider"), List.of(), List.of()).matches(rider("anywhere", true)))
                .isTrue();
    }
}
