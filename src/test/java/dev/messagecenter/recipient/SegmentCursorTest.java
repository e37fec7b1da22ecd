package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagecenter.platform.problem.ApiProblem;
import org.junit.jupiter.api.Test;

class SegmentCursorTest {

    @Test
    void roundTrips() {
        SegmentCursor cursor = new SegmentCursor("shanghai", "rider:1@x");
        assertThat(SegmentCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void rejectsForgedCursors() {
        assertThatThrownBy(() -> SegmentCursor.decode("!!")).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> SegmentCursor.decode("bm9wZQ")).isInstanceOf(ApiProblem.class);
    }
}
