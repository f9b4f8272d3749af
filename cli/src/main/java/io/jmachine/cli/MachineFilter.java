package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * `ls --filter` as Docker Machine reads it: values of one key are alternatives, different keys must all
 * match. driver= and state= compare without case, name= is a regular expression found in the name,
 * label= matches an engine label KEY=VALUE (or KEY alone).
 */
record MachineFilter(Map<String, List<String>> terms) {

    private static final List<String> KEYS = List.of("driver", "state", "name", "label");

    static MachineFilter parse(List<String> filters) {
        Map<String, List<String>> terms = new LinkedHashMap<>();
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            String key = eq < 0 ? filter : filter.substring(0, eq).toLowerCase(Locale.ROOT);
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("invalid filter \"" + filter + "\": use KEY=VALUE with KEY one of " + String.join(", ", KEYS));
            }
            String value = filter.substring(eq + 1);
            if (key.equals("name")) {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid filter \"" + filter + "\": " + e.getDescription());
                }
            }
            terms.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new MachineFilter(terms);
    }

    /** @param row an `ls` row (Name, DriverName, State, EngineLabels) */
    boolean accepts(JsonNode row) {
        for (Map.Entry<String, List<String>> term : terms.entrySet()) {
            boolean any = term.getValue().stream().anyMatch(value -> matches(term.getKey(), value, row));
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String key, String value, JsonNode row) {
        return switch (key) {
            case "driver" -> row.path("DriverName").asText().equalsIgnoreCase(value);
            case "state" -> row.path("State").asText().equalsIgnoreCase(value);
            case "name" -> Pattern.compile(value).matcher(row.path("Name").asText()).find();
            case "label" -> {
                for (JsonNode label : row.path("EngineLabels")) {
                    String text = label.asText();
                    if (text.equals(value) || !value.contains("=") && text.startsWith(value + "=")) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }
}
