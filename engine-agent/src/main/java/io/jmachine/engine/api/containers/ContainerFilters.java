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
                && filters.matchesLabels(record.config().labels());
    }

    private static boolean anyOrEmpty(List<String> wanted, java.util.function.Predicate<String> test) {
        return wanted.isEmpty() || wanted.stream().anyMatch(test);
    }
}
