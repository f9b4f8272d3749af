package io.jmachine.engine.image;

import io.jmachine.engine.filters.FilterRules;
import io.jmachine.engine.filters.Filters;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code filters} of image list and prune, checked against dockerd's keys and values when made: an unknown key
 * or a bad value is a 400 naming it, not an empty list.
 */
public final class ImageFilters {

    public static final ImageFilters NONE = new ImageFilters(new Filters(Map.of()));

    private static final FilterRules LIST = FilterRules.keys("label", "label!", "before", "since")
            .bool("dangling").time("until")
            .each("reference", ImageFilters::isGlob, value -> "not a valid pattern; use Go's path.Match syntax, such as busybox or localhost/*:1");
    private static final FilterRules PRUNE = FilterRules.keys("label", "label!").bool("dangling").time("until");

    private final Filters filters;

    private ImageFilters(Filters filters) {
        this.filters = filters;
    }

    public static ImageFilters forList(Filters filters) {
        return new ImageFilters(LIST.check(filters));
    }

    public static ImageFilters forPrune(Filters filters) {
        return new ImageFilters(PRUNE.check(filters));
    }

    public List<String> get(String key) {
        return filters.get(key);
    }

    /** The dangling filter; empty when absent. */
    public Optional<Boolean> dangling() {
        return filters.bool("dangling");
    }

    /** The until filter, a time or a duration back from {@code now}; empty when absent. */
    public Optional<Instant> until(Instant now) {
        return filters.time("until", now);
    }

    /** "k" matches any value of label k, "k=v" that value only; label! the opposite. */
    public boolean matchesLabels(Map<String, String> labels) {
        return filters.matchesLabels(labels);
    }

    /** The reference filter: any pattern matching the familiar name or name:tag of any of the references. */
    public boolean matchesReferences(List<ImageReference> references) {
        List<String> patterns = get("reference");
        if (patterns.isEmpty()) {
            return true;
        }
        for (String pattern : patterns) {
            Pattern regex = glob(pattern);
            for (ImageReference reference : references) {
                if (regex.matcher(reference.familiar()).matches() || regex.matcher(reference.familiarName()).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isGlob(String pattern) {
        try {
            glob(pattern);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Go's path.Match: '*' and '?' stop at '/', [classes] pass through. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed [ in " + pattern);
                    }
                    String cls = pattern.substring(i + 1, end).replace("\\", "\\\\");
                    regex.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1) : cls).append(']');
                    i = end;
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
