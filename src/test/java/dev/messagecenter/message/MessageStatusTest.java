package dev.messagecenter.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageStatusTest {

    @Test
    void finishedAndStoppedMessagesCannotBeSentAgain() {
        assertThat(MessageStatus.CANCELED.canBecome(MessageStatus.SCHEDULED)).isFalse();
        assertThat(MessageStatus.REVOKED.canBecome(MessageStatus.SENDING)).isFalse();
        assertThat(MessageStatus.SENT.canBecome(MessageStatus.CANCELED)).isFalse();
    }

    @Test
    void onlyUnstartedMessagesAreEditable() {
        assertThat(MessageStatus.DRAFT.editable()).isTrue();
        assertThat(MessageStatus.SCHEDULED.editable()).isTrue();
        assertThat(MessageStatus.SENDING.editable()).isFalse();
        assertThat(MessageStatus.SENT.editable()).isFalse();
    }

    @Test
    void anythingDeliveredCanBeRevoked() {
        assertThat(MessageStatus.SENDING.canBecome(MessageStatus.REVOKED)).isTrue();
        assertThat(MessageStatus.SENT.canBecome(MessageStatus.REVOKED)).isTrue();
        assertThat(MessageStatus.FAILED.canBecome(MessageStatus.REVOKED)).isTrue();
        assertThat(MessageStatus.DRAFT.canBecome(MessageStatus.REVOKED)).isFalse();
    }
}
