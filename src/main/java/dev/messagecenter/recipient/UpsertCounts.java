package dev.messagecenter.recipient;

/** How many rows of an upsert were new and how many replaced an existing recipient. */
public record UpsertCounts(long inserted, long updated) {

    public static final UpsertCounts NONE = new UpsertCounts(0, 0);

    public UpsertCounts plus(UpsertCounts other) {
        return new UpsertCounts(inserted + other.inserted, updated + other.updated);
    }
}
