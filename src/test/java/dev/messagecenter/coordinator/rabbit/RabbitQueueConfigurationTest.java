package dev.messagecenter.coordinator.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;

class RabbitQueueConfigurationTest {

    @Test
    void startsAnywayWhenTheBrokerDoesNotAnswer() {
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(
                        new AmqpConnectException(new ConnectException("Connection refused"))))
                .isFalse();
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(
                        new AmqpIOException(new SocketTimeoutException("connect timed out"))))
                .isFalse();
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(
                        new AmqpIOException(new UnknownHostException("rabbitmq"))))
                .isFalse();
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(new AmqpTimeoutException("no answer")))
                .isFalse();
    }

    @Test
    void failsTheStartWhenTheBrokerAnswersNo() {
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(
                        new AmqpAuthenticationException(new IOException("ACCESS_REFUSED"))))
                .isTrue();
        ShutdownSignalException preconditionFailed = new ShutdownSignalException(false, false, null, null);
        assertThat(RabbitQueueConfiguration.refusedByTheBroker(
                        new AmqpIOException(new IOException("inequivalent arg 'x-queue-type'", preconditionFailed))))
                .isTrue();
    }
}
