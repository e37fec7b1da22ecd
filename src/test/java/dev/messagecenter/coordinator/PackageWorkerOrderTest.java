package dev.messagecenter.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The order a worker records a batch in is the order PostgreSQL locks the batch's messages in. */
class PackageWorkerOrderTest {

    @Test
    void messageIdsAreOrderedAsPostgreSqlOrdersUuids() {
        // why: PostgreSQL compares a uuid's bytes unsigned (checked with
        // select '7fffffff-...'::uuid < '80000000-...'::uuid), UUID.compareTo its halves signed
        List<UUID> ids = new ArrayList<>(List.of(
                UUID.fromString("ffffffff-0000-0000-0000-000000000000"),
                UUID.fromString("80000000-0000-0000-0000-000000000000"),
                UUID.fromString("00000000-0000-0000-8000-000000000000"),
                UUID.fromString("7fffffff-0000-0000-0000-000000000000"),
                UUID.fromString("00000000-0000-0000-7fff-000000000000")));

        ids.sort(PackageWorker.DATABASE_ORDER);

        assertThat(ids)
                .extracting(UUID::toString)
                .containsExactly(
                        "00000000-0000-0000-7fff-000000000000",
                        "00000000-0000-0000-8000-000000000000",
                        "7fffffff-0000-0000-0000-000000000000",
                        "80000000-0000-0000-0000-000000000000",
                        "ffffffff-0000-0000-0000-000000000000");
    }
}
