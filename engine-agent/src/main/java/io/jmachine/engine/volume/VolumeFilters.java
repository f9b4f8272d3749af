package io.jmachine.engine.volume;

import io.jmachine.engine.filters.FilterRules;
import io.jmachine.engine.filters.Filters;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters of volume ls (name, label, dangling, driver) and volume prune (label, label!, all), with dockerd's
 * matching: name and driver match as a regular expression anywhere in the value, as Go's filters.Match.
 */
public final class VolumeFilters {

    private static final FilterRules LIST = FilterRules.keys("name", "label", "driver").bool("dangling");
    private static final FilterRules PRUNE = FilterRules.keys("label", "label!").bool("all");

    private final Filters filters;

    private VolumeFilters(Filters filters) {
        this.filters = filters;
    }

    public static VolumeFilters forList(Filters filters) {
        return new VolumeFilters(LIST.check(filters));
    }

    public static VolumeFilters forPrune(Filters filters) {
        return new VolumeFilters(PRUNE.check(filters));
    }

    /** Whether prune takes named volumes too (filter all=true, the CLI's --all). */
    boolean all() {
        return filters.bool("all").orElse(false);
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
        return filters.matchesLabels(volume.labels())
                && filters.bool("dangling").map(dangling -> dangling == !inUse).orElse(true);
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
}
