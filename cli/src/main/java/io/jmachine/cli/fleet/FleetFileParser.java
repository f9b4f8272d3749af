package io.jmachine.cli.fleet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jmachine.drivers.DriverFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverRegistry;
import io.jmachine.provisioner.store.EngineOptions;
import io.jmachine.provisioner.store.MachineName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a fleet file and refuses it whole, before anything is done, when it is broken YAML (line and column), names an
 * unknown driver or option (with the closest known one), makes an invalid machine name, or the same machine twice.
 */
public final class FleetFileParser {

    /** The create flags that are not a driver's, without their dashes. */
    static final Map<String, DriverFlag.Type> ENGINE_OPTIONS = Map.of(
            "engine-opt", DriverFlag.Type.STRING_LIST, "engine-label", DriverFlag.Type.STRING_LIST,
            "engine-insecure-registry", DriverFlag.Type.STRING_LIST, "engine-registry-mirror", DriverFlag.Type.STRING_LIST,
            "engine-env", DriverFlag.Type.STRING_LIST, "engine-install-dir", DriverFlag.Type.STRING,
            "engine-config-dir", DriverFlag.Type.STRING, "engine-bundle", DriverFlag.Type.STRING);
    private static final Set<String> TOP_KEYS = Set.of("name", "machines");
    private static final Set<String> MACHINE_KEYS = Set.of("driver", "count", "options");
    private static final int MAX_COUNT = 100;
    private static final Pattern BLANK_LINE = Pattern.compile("(?m)^[ \\t]+$");
    // a key given twice is an error, not "the last one wins"
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final DriverRegistry drivers;

    public FleetFileParser(DriverRegistry drivers) {
        this.drivers = drivers;
    }

    public FleetFile parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new FleetFileException("cannot read the fleet file " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /**
     * YAML 1.2 reads a line of only spaces and tabs as a blank line; SnakeYAML, a YAML 1.1 parser, refuses the tab
     * ("cannot start any token"), which a script that fills a template line from an empty variable easily writes.
     */
    static String blankLinesEmptied(String text) {
        return BLANK_LINE.matcher(text).replaceAll("");
    }

    /** Line and column (from 1) of the character SnakeYAML choked on, not the end of the token before it, which Jackson gives. */
    private static int[] problemAt(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return new int[] {marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1};
        }
        JsonLocation at = e.getLocation();
        return at == null ? null : new int[] {at.getLineNr(), at.getColumnNr()};
    }

    /** @param source the file's name, for the messages */
    public FleetFile parse(String source, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(blankLinesEmptied(text));
        } catch (JsonProcessingException e) {
            int[] at = problemAt(e);
            String where = at == null ? source : source + ":" + at[0] + ":" + at[1];
            throw new FleetFileException(where + ": not valid YAML (line " + (at == null ? "?" : at[0]) + ", column "
                    + (at == null ? "?" : at[1]) + "): " + yamlProblem(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new FleetFileException(source + ": a fleet file is a mapping with name: and machines: (see `jmachine fleet --help`)");
        }
        unknownKeys(source, "", root, TOP_KEYS);
        String name = root.path("name").asText("");
        if (!root.path("name").isValueNode() || name.isBlank()) {
            throw new FleetFileException(source + ": name: is missing: give the fleet a name (its machines are called NAME-KEY)");
        }
        check(source, "name", name);
        JsonNode machines = root.path("machines");
        if (!machines.isObject() || machines.isEmpty()) {
            throw new FleetFileException(source + ": machines: is missing or empty: give it one key per kind of machine");
        }
        Map<String, FleetMachine> byName = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = machines.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            for (FleetMachine machine : machines(source, name, entry.getKey(), entry.getValue())) {
                FleetMachine before = byName.putIfAbsent(machine.name(), machine);
                if (before != null) {
                    throw new FleetFileException(source + ": machines." + before.key() + " and machines." + machine.key()
                            + " both make the machine " + machine.name() + "; rename one of them");
                }
            }
        }
        return new FleetFile(name, new ArrayList<>(byName.values()));
    }

    private List<FleetMachine> machines(String source, String fleet, String key, JsonNode node) {
        String path = "machines." + key;
        if (!node.isObject()) {
            throw new FleetFileException(source + ": " + path + " must be a mapping with driver: (and count:, options:)");
        }
        unknownKeys(source, path + ".", node, MACHINE_KEYS);
        String driverName = node.path("driver").asText("");
        if (driverName.isBlank()) {
            throw new FleetFileException(source + ": " + path + ".driver is missing; one of " + driverNames());
        }
        DriverFactory driver = drivers.find(driverName).orElseThrow(() -> new FleetFileException(source + ": " + path
                + ".driver: unknown driver \"" + driverName + "\"" + CloseMatch.hint(driverName, driverNames()) + " (known: "
                + String.join(", ", driverNames()) + ")"));
        TreeMap<String, Object> options = options(source, path + ".options", node.path("options"), driver);
        JsonNode count = node.path("count");
        List<FleetMachine> result = new ArrayList<>();
        if (count.isMissingNode() || count.isNull()) {
            result.add(new FleetMachine(check(source, path, fleet + "-" + key), key, driverName, options));
            return result;
        }
        if (!count.isIntegralNumber() || count.asInt() < 1 || count.asInt() > MAX_COUNT) {
            throw new FleetFileException(source + ": " + path + ".count must be a whole number from 1 to " + MAX_COUNT + ", got " + count);
        }
        for (int i = 1; i <= count.asInt(); i++) {
            result.add(new FleetMachine(check(source, path, fleet + "-" + key + "-" + i), key, driverName, options));
        }
        return result;
    }

    private TreeMap<String, Object> options(String source, String path, JsonNode node, DriverFactory driver) {
        TreeMap<String, Object> options = new TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return options;
        }
        if (!node.isObject()) {
            throw new FleetFileException(source + ": " + path + " must be a mapping of create flags without their dashes");
        }
        Map<String, DriverFlag.Type> known = new TreeMap<>(ENGINE_OPTIONS);
        driver.flags().forEach(flag -> known.put(flag.name().substring(2), flag.type()));
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String option = entry.getKey();
            DriverFlag.Type type = known.get(option);
            if (type == null) {
                throw new FleetFileException(source + ": " + path + ": unknown option " + option + " for the " + driver.name()
                        + " driver" + CloseMatch.hint(option, known.keySet()) + " (options are create's flags without their dashes: "
                        + "jmachine create -d " + driver.name() + " --help)");
            }
            options.put(option, value(source, path + "." + option, entry.getValue(), type));
        }
        engineOptions(source, path, options);
        return options;
    }

    private static Object value(String source, String path, JsonNode value, DriverFlag.Type type) {
        switch (type) {
            case INT -> {
                if (value.isIntegralNumber() || value.isTextual() && value.asText().strip().matches("-?\\d{1,9}")) {
                    return Integer.valueOf(value.asText().strip());
                }
                throw new FleetFileException(source + ": " + path + " must be a whole number, got " + value);
            }
            case BOOLEAN -> {
                if (value.isBoolean() || value.isTextual() && value.asText().matches("true|false")) {
                    return Boolean.valueOf(value.asText());
                }
                throw new FleetFileException(source + ": " + path + " must be true or false, got " + value);
            }
            case STRING -> {
                if (value.isValueNode() && !value.isNull()) {
                    return value.asText();
                }
                throw new FleetFileException(source + ": " + path + " must be a single value, got " + value);
            }
            default -> {
                List<String> list = new ArrayList<>();
                for (JsonNode item : value.isArray() ? value : List.of(value)) {
                    if (!item.isValueNode() || item.isNull()) {
                        throw new FleetFileException(source + ": " + path + " must be a value or a list of values, got " + value);
                    }
                    list.add(item.asText());
                }
                return List.copyOf(list);
            }
        }
    }

    /** The engine options as create would take them, so that a bad one stops the file and not one machine's create. */
    private static void engineOptions(String source, String path, Map<String, Object> options) {
        FleetMachine probe = new FleetMachine("probe", "probe", "none", new TreeMap<>(options));
        for (String label : probe.strings("engine-label")) {
            if (label.startsWith(FleetFile.LABEL_KEY + "=")) {
                throw new FleetFileException(source + ": " + path + ".engine-label: " + FleetFile.LABEL_KEY + " is set by the fleet itself");
            }
        }
        try {
            FleetRequests.engineOptions(probe, "");
        } catch (IllegalArgumentException e) {
            throw new FleetFileException(source + ": " + path + ": " + e.getMessage());
        }
    }

    private static String check(String source, String path, String machineName) {
        try {
            return MachineName.check(machineName);
        } catch (IllegalArgumentException e) {
            throw new FleetFileException(source + ": " + path + " makes an " + e.getMessage());
        }
    }

    private static void unknownKeys(String source, String prefix, JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new FleetFileException(source + ": unknown key " + prefix + key + CloseMatch.hint(key, known)
                        + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** SnakeYAML's context and problem lines ("while parsing a flow node: expected …"), without its excerpt of the file. */
    private static String yamlProblem(String message) {
        return String.join(": ", message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList());
    }

    private List<String> driverNames() {
        return drivers.all().stream().map(DriverFactory::name).toList();
    }
}
