package io.jmachine.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One machine a fleet file asks for.
 *
 * @param name    the machine's name ({@code FLEET-KEY} or {@code FLEET-KEY-I} with a count)
 * @param key     the key under {@code machines:} it comes from
 * @param driver  the driver's name
 * @param options the create flags without their dashes, typed (Integer, Boolean, String, List of String), sorted
 */
public record FleetMachine(String name, String key, String driver, SortedMap<String, Object> options) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FleetMachine {
        options = new TreeMap<>(options);
    }

    /** What the machine was made from, as recorded beside it and compared by the planner. */
    public JsonNode spec() {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("driver", driver);
        spec.set("options", JSON.valueToTree(options));
        return spec;
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String option) {
        Object value = options.get(option);
        return value == null ? List.of() : (List<String>) value;
    }

    public String string(String option) {
        Object value = options.get(option);
        return value == null ? null : value.toString();
    }

    /** The options that are not engine-… ones: the driver's flags, with their dashes. */
    public Map<String, Object> driverFlags() {
        Map<String, Object> flags = new TreeMap<>();
        options.forEach((k, v) -> {
            if (!FleetFileParser.ENGINE_OPTIONS.containsKey(k)) {
                flags.put("--" + k, v);
            }
        });
        return flags;
    }
}
