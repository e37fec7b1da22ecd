package dev.messagecenter.delivery;

import java.util.List;

/** Channel registries for tests outside this package, built from the senders a test names. */
public final class TestChannels {

    private TestChannels() {}

    public static ChannelRegistry of(ChannelSender... senders) {
        return new ChannelRegistry(List.of(senders));
    }
}
