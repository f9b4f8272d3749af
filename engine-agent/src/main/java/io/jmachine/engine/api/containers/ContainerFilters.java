package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.Filters;
import io.jmachine.engine.container.ContainerRecord;

import java.util.List;

/** The `docker ps --filter` keys over container records. */
final class ContainerFilters {

    private ContainerFilters() {
    }

    static boolean matches(ContainerRecord record, Filters filters) {
        return anyOrEmpty(filters.get("id"), v -> record.id().startsWith(v))
                && anyOrEmpty(filters.get("name"), v -> record.name().contains(v.startsWith("/") ? v.substring(1) : v))
                && anyOrEmpty(filters.get("status"), v -> record.state().status().name().equals(v))
                && anyOrEmpty(filters.get("exited"), v -> record.state().status().name().equals("exited")
                        && String.valueOf(record.state().exitCode()).equals(v))
                && anyOrEmpty(filters.get("ancestor"), v -> v.equals(record.imageRef()) || record.image().startsWith(v)
                        || record.image().startsWith("sha256:" + v))
                && anyOrEmpty(filters.get("health"), v -> record.state().healthFilterValue().equals(v))
                && filters.matchesLabels(record.config().labels());
    }

    /** dockerd refuses health values it does not know, before matching anything. */
    static void validate(Filters filters) {
        for (String value : filters.get("health")) {
            if (!List.of("starting", "healthy", "unhealthy", "none").contains(value)) {
                throw io.jmachine.engine.api.ApiException.badRequest("Unrecognised filter value for health: " + value);
            }
        }
    }

    private static boolean anyOrEmpty(List<String> wanted, java.util.function.Predicate<String> test) {
        return wanted.isEmpty() || wanted.stream().anyMatch(test);
    }
}
