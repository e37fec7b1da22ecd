package dev.messagecenter.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The channels this service can deliver on: one per {@link ChannelSender} bean. */
@Component
public class ChannelRegistry {

    private final Map<String, ChannelSender> senders;

    ChannelRegistry(List<ChannelSender> senders) {
        this.senders = senders.stream()
                .collect(Collectors.toMap(
                        ChannelSender::channel,
                        Function.identity(),
                        (a, b) -> {
                            throw new IllegalStateException("Two senders for channel " + a.channel());
                        },
                        TreeMap::new));
    }

    public Set<String> channels() {
        return senders.keySet();
    }

    public Optional<ChannelSender> sender(String channel) {
        return Optional.ofNullable(senders.get(channel));
    }

    public boolean storedOnceForSegments(String channel) {
        return sender(channel).map(ChannelSender::storedOnceForSegments).orElse(false);
    }

    public boolean deliversInTransaction(String channel) {
        return sender(channel).map(ChannelSender::deliversInTransaction).orElse(false);
    }
}
