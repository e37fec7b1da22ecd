package dev.messagecenter.coordinator.web;

import dev.messagecenter.coordinator.DeadLetters;
import dev.messagecenter.coordinator.DeliveryPackageRecord;
import dev.messagecenter.coordinator.PackageState;
import dev.messagecenter.coordinator.PackageStore;
import dev.messagecenter.platform.problem.ApiProblem;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A message's packages, the dead-letter view, and retrying a dead letter. */
@RestController
class PackageController {

    static final int MAX_LIMIT = 500;

    private final PackageStore packages;
    private final DeadLetters deadLetters;

    PackageController(PackageStore packages, DeadLetters deadLetters) {
        this.packages = packages;
        this.deadLetters = deadLetters;
    }

    record PackageList(
            List<DeliveryPackageRecord> items, @Nullable Long nextCursor) {}

    @GetMapping("/api/v1/messages/{id}/packages")
    PackageList packages(
            @PathVariable UUID id,
            @RequestParam(required = false) @Nullable String state,
            @RequestParam(defaultValue = "0") long cursor,
            @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        PackageState filter = null;
        if (state != null) {
            try {
                filter = PackageState.of(state);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("state", "must be one of pending, dispatched, done, failed, canceled");
            }
        }
        List<DeliveryPackageRecord> page = packages.list(id, filter, cursor, limit);
        return new PackageList(page, page.size() == limit ? page.getLast().id() : null);
    }

    @GetMapping("/api/v1/dead-letters")
    PackageList deadLetters(
            @RequestParam(defaultValue = "0") long cursor, @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        List<DeliveryPackageRecord> page = packages.deadLetters(cursor, limit);
        return new PackageList(page, page.size() == limit ? page.getLast().id() : null);
    }

    @PostMapping("/api/v1/dead-letters/{packageId}/retry")
    DeliveryPackageRecord retry(@PathVariable long packageId) {
        return deadLetters.retry(packageId);
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
    }
}
