package io.jmachine.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The `filters` query parameter. The Go client sends {"label":{"k=v":true}}, docker-java {"label":["k=v"]};
 * both mean the same.
 */
public record Filters(Map<String, List<String>> values) {

    public static Filters parse(String json, ObjectMapper mapper) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return new Filters(values);
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid filters: " + json);
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("invalid filters: " + json);
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

    /** Refuses keys this endpoint does not know, with dockerd's wording. */
    public Filters allowOnly(String... keys) {
        for (String key : values.keySet()) {
            if (!List.of(keys).contains(key)) {
                throw ApiException.badRequest("invalid filter '" + key + "'");
            }
        }
        return this;
    }

    /** A label filter matches "key" (present) or "key=value". */
    public boolean matchesLabels(Map<String, String> labels) {
        for (String wanted : get("label")) {
            int eq = wanted.indexOf('=');
            if (eq < 0 ? !labels.containsKey(wanted) : !wanted.substring(eq + 1).equals(labels.get(wanted.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }
}
