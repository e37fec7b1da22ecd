package dev.messagecenter.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImportPropertiesTest {

    @Test
    void writersAndBatchSizeOutsideTheirRangesAreRefusedByName() {
        assertThatThrownBy(() -> new ImportProperties(5000, 0, 16384, 100))
                .hasMessage("messagecenter.recipients.import.writers must be 1..8");
        assertThatThrownBy(() -> new ImportProperties(5000, 9, 16384, 100))
                .hasMessage("messagecenter.recipients.import.writers must be 1..8");
        assertThatThrownBy(() -> new ImportProperties(0, 2, 16384, 100))
                .hasMessage("messagecenter.recipients.import.batch-size must be 1..100000");
        assertThat(new ImportProperties(5000, 2, 16384, 100).writers()).isEqualTo(2);
    }
}
