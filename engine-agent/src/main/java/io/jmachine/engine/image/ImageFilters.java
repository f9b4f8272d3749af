package io.jmachine.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.Filters;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code filters} query of image list and prune: the Go client's {@code {"label":{"k=v":true}}} and
 * docker-java's {@code {"label":["k=v"]}} both read as key to values. Unknown keys are a 400, as in dockerd.
 */
public record ImageFilters(Map<String, List<String>> values) {

    public static final ImageFilters NONE = new ImageFilters(Map.of());
    private static final Set<String> LIST_KEYS = Set.of("dangling", "label", "label!", "reference", "before", "since", "until");

    /** The `filters` query, parsed as every endpoint does (both clients' forms; see {@link Filters}). */
    public static ImageFilters parse(String query, ObjectMapper json) {
        if (query == null || query.isBlank()) {
            return NONE;
        }
        return new ImageFilters(new TreeMap<>(Filters.parse(query, json).values()));
    }

    /** 400 for a key the endpoint does not know, with dockerd's wording. */
    public ImageFilters validate(Set<String> allowed) {
        for (String key : values.keySet()) {
            if (!allowed.contains(key) || !LIST_KEYS.contains(key)) {
                throw ApiException.badRequest("invalid filter '" + key + "'");
            }
        }
        return this;
    }

    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** The dangling filter: null when absent. */
    public Boolean dangling() {
        List<String> dangling = get("dangling");
        if (dangling.isEmpty()) {
            return null;
        }
        String value = dangling.getFirst().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest("invalid filter 'dangling=" + dangling.getFirst() + "'");
        };
    }

    /** "k" matches any value of label k, "k=v" that value only. */
    public boolean matchesLabels(Map<String, String> labels) {
        for (String wanted : get("label")) {
            if (!hasLabel(labels, wanted)) {
                return false;
            }
        }
        for (String unwanted : get("label!")) {
            if (hasLabel(labels, unwanted)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int equals = filter.indexOf('=');
        return equals < 0 ? labels.containsKey(filter) : filter.substring(equals + 1).equals(labels.get(filter.substring(0, equals)));
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
                        throw ApiException.badRequest("invalid reference filter " + pattern + ": unclosed [");
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
