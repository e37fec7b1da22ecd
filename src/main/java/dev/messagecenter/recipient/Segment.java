package dev.messagecenter.recipient;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An audience predicate: recipients of any of {@code kinds}, in any of {@code cities}, carrying
 * every one of {@code tags}. An empty set of kinds or cities means any kind or any city.
 */
public record Segment(SortedSet<String> kinds, SortedSet<String> cities, SortedSet<String> tags) {

    public Segment {
        kinds = new TreeSet<>(kinds);
        cities = new TreeSet<>(cities);
        tags = new TreeSet<>(tags);
    }

    /** Whether an active recipient falls in this segment now. */
    public boolean matches(Recipient recipient) {
        return recipient.active()
                && (kinds.isEmpty() || kinds.contains(recipient.kind()))
                && (cities.isEmpty() || cities.contains(recipient.city()))
                && recipient.tags().containsAll(tags);
    }

    public static Segment of(Collection<String> kinds, Collection<String> cities, Collection<String> tags) {
        return new Segment(new TreeSet<>(kinds), new TreeSet<>(cities), new TreeSet<>(tags));
    }
}
