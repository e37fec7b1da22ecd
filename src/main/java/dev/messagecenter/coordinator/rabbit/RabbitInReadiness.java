package dev.messagecenter.coordinator.rabbit;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Puts the {@code rabbit} component into the readiness group in this mode only. The group's members
 * cannot be listed in {@code application.yml}: Boot refuses to start when a listed member does not
 * exist, and on the embedded default there is no broker to check.
 */
class RabbitInReadiness implements HealthEndpointGroupsPostProcessor {

    static final String READINESS = "readiness";
    static final String COMPONENT = "rabbit";

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        HealthEndpointGroup readiness = groups.get(READINESS);
        if (readiness == null) {
            return groups;
        }
        Map<String, HealthEndpointGroup> named = new HashMap<>();
        for (String name : groups.getNames()) {
            HealthEndpointGroup group = groups.get(name);
            if (group != null) {
                named.put(name, name.equals(READINESS) ? new WithRabbit(readiness) : group);
            }
        }
        return HealthEndpointGroups.of(groups.getPrimary(), named);
    }

    private record WithRabbit(HealthEndpointGroup group) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return COMPONENT.equals(name) || group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }
}
