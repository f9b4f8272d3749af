package io.jmachine.engine.filters;

import io.jmachine.engine.errors.EngineException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.time.GoTimestamp;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The `filters` query parameter. The Go client sends {"label":{"k=v":true}}, docker-java {"label":["k=v"]};
 * both mean the same.
 */
public record Filters(Map<String, List<String>> values) {

    private static final Set<String> BOOLEANS = Set.of("true", "1", "false", "0");

    public static Filters parse(String json, ObjectMapper mapper) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return new Filters(values);
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw EngineException.invalid("invalid filters: " + json);
        }
        if (!root.isObject()) {
            throw EngineException.invalid("invalid filters: " + json);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            List<String> list = new ArrayList<>();
            JsonNode value = field.getValue();
            if (value.isArray()) {
                value.forEach(v -> list.add(v.asText()));
            } else if (value.isObject()) {
                value.fieldNames().forEachRemaining(list::add);
            } else {
                list.add(value.asText());
            }
            values.put(field.getKey(), list);
        }
        return new Filters(values);
    }

    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Refuses keys this endpoint does not know, with dockerd's wording; {@link FilterRules} also checks values. */
    public Filters allowOnly(String... keys) {
        return FilterRules.keys(keys).check(this);
    }

    /** dockerd's GetBoolOrDefault: "true" or "1", "false" or "0", not both; empty when the key is absent. */
    public Optional<Boolean> bool(String key) {
        List<String> given = get(key);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        for (String value : given) {
            if (!BOOLEANS.contains(value)) {
                throw invalidValue(key, value, "use true (or 1) or false (or 0)");
            }
        }
        boolean isTrue = given.contains("true") || given.contains("1");
        if (isTrue && (given.contains("false") || given.contains("0"))) {
            throw invalidValue(key, String.join(",", given), "give true or false, not both");
        }
        return Optional.of(isTrue);
    }

    /** A time filter ({@code until}): one timestamp or a duration back from {@code now}; empty when absent. */
    public Optional<Instant> time(String key, Instant now) {
        List<String> given = get(key);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        if (given.size() > 1) {
            throw invalidValue(key, String.join(",", given), "more than one " + key + " filter specified; give one");
        }
        try {
            return Optional.of(GoTimestamp.parse(given.getFirst(), now, ZoneId.systemDefault()));
        } catch (IllegalArgumentException e) {
            throw invalidValue(key, given.getFirst(), e.getMessage() + "; use a duration such as 24h, a time such as "
                    + "2024-05-01T10:00:00Z, or Unix seconds");
        }
    }

    /** The 400 for a value a key does not take, naming both as dockerd does ("invalid filter 'status=bogus'"). */
    public static EngineException invalidValue(String key, String value, String why) {
        return EngineException.invalid("invalid filter '" + key + "=" + value + "': " + why);
    }

    /** A label filter matches "key" (present) or "key=value"; a "label!" filter matches neither. */
    public boolean matchesLabels(Map<String, String> labels) {
        return get("label").stream().allMatch(wanted -> hasLabel(labels, wanted))
                && get("label!").stream().noneMatch(unwanted -> hasLabel(labels, unwanted));
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }
}
