package io.jmachine.engine.network;

import io.jmachine.engine.filters.FilterRules;
import io.jmachine.engine.filters.Filters;


import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** dockerd's network filters: list (name, id, label, driver, type, scope, dangling) and prune (label, label!, until). */
public final class NetworkFilters {

    public static final FilterRules LIST = FilterRules.keys("name", "id", "label", "driver", "scope")
            .oneOf("type", "type", List.of("builtin", "custom"))
            .bool("dangling");

    public static final FilterRules PRUNE = FilterRules.keys("label", "label!").time("until");

    private NetworkFilters() {
    }

    /** Whether list shows the network; {@code filters} passed {@link #LIST}. */
    public static boolean matches(NetworkRecord network, Filters filters, boolean inUse) {
        if (filters.has("name") && filters.get("name").stream().noneMatch(n -> matchesPattern(n, network.name()))) {
            return false;
        }
        if (filters.has("id") && filters.get("id").stream().noneMatch(id -> network.id().startsWith(id) || matchesPattern(id, network.id()))) {
            return false;
        }
        if (!filters.matchesLabels(network.labels())) {
            return false;
        }
        if (filters.has("driver") && !filters.get("driver").contains(network.driver())) {
            return false;
        }
        if (filters.has("scope") && !filters.get("scope").contains("local")) {
            return false;
        }
        if (filters.has("type") && !filters.get("type").contains(network.predefined() ? "builtin" : "custom")) {
            return false;
        }
        // Docker counts the built-in networks as never dangling
        return filters.bool("dangling").map(dangling -> dangling == (!network.predefined() && !inUse)).orElse(true);
    }

    /** prune's filters, passed {@link #PRUNE}; the built-in networks and networks in use are the caller's to leave out. */
    public static boolean prunable(NetworkRecord network, Filters filters, Instant now) {
        return filters.matchesLabels(network.labels())
                && filters.time("until", now).map(until -> !network.created().isAfter(until)).orElse(true);
    }

    private static boolean matchesPattern(String pattern, String value) {
        try {
            return Pattern.compile(pattern).matcher(value).find();
        } catch (PatternSyntaxException e) {
            return value.contains(pattern);
        }
    }
}
