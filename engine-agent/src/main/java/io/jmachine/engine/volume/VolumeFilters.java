package io.jmachine.engine.volume;

import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.Filters;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters of volume ls (name, label, dangling, driver) and volume prune (label, label!, all), with dockerd's
 * matching: name and driver match as a regular expression anywhere in the value, as Go's filters.Match.
 */
public final class VolumeFilters {

    private final Filters filters;

    private VolumeFilters(Filters filters) {
        this.filters = filters;
    }

    public static VolumeFilters forList(Filters filters) {
        VolumeFilters checked = new VolumeFilters(filters.allowOnly("name", "label", "dangling", "driver"));
        checked.dangling();
        return checked;
    }

    public static VolumeFilters forPrune(Filters filters) {
        VolumeFilters checked = new VolumeFilters(filters.allowOnly("label", "label!", "all"));
        checked.all();
        return checked;
    }

    /** Whether prune takes named volumes too (filter all=true, the CLI's --all). */
    boolean all() {
        return bool("all").orElse(false);
    }

    private java.util.Optional<Boolean> dangling() {
        return bool("dangling");
    }

    boolean matches(Volume volume, boolean inUse) {
        for (String name : filters.get("name")) {
            if (!matchesText(name, volume.name())) {
                return false;
            }
        }
        for (String driver : filters.get("driver")) {
            if (!matchesText(driver, volume.driver())) {
                return false;
            }
        }
        if (!filters.matchesLabels(volume.labels())) {
            return false;
        }
        for (String unwanted : filters.get("label!")) {
            if (hasLabel(volume.labels(), unwanted)) {
                return false;
            }
        }
        var dangling = dangling();
        return dangling.isEmpty() || dangling.get() == !inUse;
    }

    private static boolean hasLabel(Map<String, String> labels, String wanted) {
        int eq = wanted.indexOf('=');
        return eq < 0 ? labels.containsKey(wanted) : wanted.substring(eq + 1).equals(labels.get(wanted.substring(0, eq)));
    }

    private static boolean matchesText(String pattern, String value) {
        if (pattern.equals(value)) {
            return true;
        }
        try {
            return Pattern.compile(pattern).matcher(value).find();
        } catch (PatternSyntaxException e) {
            return value.contains(pattern);
        }
    }

    private java.util.Optional<Boolean> bool(String key) {
        List<String> values = filters.get(key);
        if (values.isEmpty()) {
            return java.util.Optional.empty();
        }
        boolean result = false;
        for (String value : values) {
            switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> result = true;
                case "false", "0" -> { }
                default -> throw ApiException.badRequest("invalid filter '" + key + "=" + value + "'");
            }
        }
        return java.util.Optional.of(result);
    }
}
