package dev.messagecenter.coordinator;

import dev.messagecenter.platform.problem.ApiProblem;
import dev.messagecenter.stats.Counters;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Puts a dead-lettered package back in its lane with a fresh retry budget. */
@Component
public class DeadLetters {

    private final PackageStore packages;
    private final PlanStore plans;
    private final PlanningSupport support;

    DeadLetters(PackageStore packages, PlanStore plans, PlanningSupport support) {
        this.packages = packages;
        this.plans = plans;
        this.support = support;
    }

    public DeliveryPackageRecord retry(long packageId) {
        return support.transaction().execute(status -> {
            DeliveryPackageRecord before = packages.deadLetters(packageId + 1, 1).stream()
                    .filter(p -> p.id() == packageId)
                    .findFirst()
                    .orElseThrow(() -> ApiProblem.notFound("Dead letter " + packageId));
            UUID messageId = packages.revive(packageId).orElseThrow();
            plans.reopenPackage(messageId);
            support.visibilityChanged();
            // why: the failure is no longer final, so it leaves the exact count until it recurs
            support.counters().add(messageId, Counters.FAILED, -before.failed());
            support.log().record(messageId, packageId, "PACKAGE_RETRIED", "by operator");
            support.published(before.lane());
            return packages.list(messageId, null, packageId - 1, 1).getFirst();
        });
    }
}
