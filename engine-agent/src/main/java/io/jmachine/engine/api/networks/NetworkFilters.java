package io.jmachine.engine.api.networks;

import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.Filters;
import io.jmachine.engine.network.NetworkRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** dockerd's network filters: list (name, id, label, driver, type, scope, dangling) and prune (label, label!, until). */
final class NetworkFilters {

    private NetworkFilters() {
    }

    static boolean matches(NetworkRecord network, Filters filters, boolean inUse) {
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
        for (String type : filters.get("type")) {
            if (!type.equals("custom") && !type.equals("builtin")) {
                throw ApiException.badRequest("invalid filter: 'type'='" + type + "'");
            }
        }
        if (filters.has("type") && !filters.get("type").contains(network.predefined() ? "builtin" : "custom")) {
            return false;
        }
        if (filters.has("dangling")) {
            boolean dangling = List.of("true", "1").contains(filters.get("dangling").getFirst());
            // Docker counts the built-in networks as never dangling
            boolean isDangling = !network.predefined() && !inUse;
            if (dangling != isDangling) {
                return false;
            }
        }
        return true;
    }

    /** prune's filters; the built-in networks and networks in use are the caller's to leave out. */
    static boolean prunable(NetworkRecord network, Filters filters, Instant now) {
        if (!filters.matchesLabels(network.labels())) {
            return false;
        }
        for (String unwanted : filters.get("label!")) {
            int eq = unwanted.indexOf('=');
            String key = eq < 0 ? unwanted : unwanted.substring(0, eq);
            if (network.labels().containsKey(key) && (eq < 0 || unwanted.substring(eq + 1).equals(network.labels().get(key)))) {
                return false;
            }
        }
        for (String until : filters.get("until")) {
            if (!network.created().isBefore(instant(until, now))) {
                return false;
            }
        }
        return true;
    }

    /** A timestamp (RFC 3339 or Unix seconds) or a Go duration before now ("24h", "90m", "10s"). */
    static Instant instant(String value, Instant now) {
        if (value.matches("[0-9]+(\\.[0-9]+)?")) {
            return Instant.ofEpochMilli((long) (Double.parseDouble(value) * 1000));
        }
        if (value.matches("([0-9]+[hms])+")) {
            return now.minus(Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT)));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid until filter " + value + ": use a timestamp or a duration such as 24h");
        }
    }

    private static boolean matchesPattern(String pattern, String value) {
        try {
            return Pattern.compile(pattern).matcher(value).find();
        } catch (PatternSyntaxException e) {
            return value.contains(pattern);
        }
    }
}
