package io.jmachine.engine.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs CNI plugins as the spec says: the command and target in CNI_* variables, the network config on
 * stdin, the result or error as JSON on stdout. Chains a {@link CniNetworkList} as libcni does.
 */
public final class CniInvoker {

    public enum Command { ADD, DEL, CHECK }

    /** What a call works on: the container, its namespace path, and the interface name inside it. */
    public record Target(String containerId, Path netns, String ifName) {
    }

    private final Path pluginDir;
    private final ObjectMapper mapper;

    public CniInvoker(Path pluginDir, ObjectMapper mapper) {
        this.pluginDir = pluginDir;
        this.mapper = mapper;
    }

    /** ADD through the list in order; returns the last plugin's result (which carries the earlier ones' forward). */
    public CniResult add(CniNetworkList list, Target target) {
        JsonNode previous = null;
        for (ObjectNode plugin : list.plugins()) {
            previous = invoke(Command.ADD, pluginConfig(list, plugin, previous), target);
            if (previous == null) {
                throw new NetworkException("CNI plugin " + plugin.path("type").asText() + " printed no result for ADD");
            }
        }
        return parseResult(previous);
    }

    /**
     * DEL through the list in reverse. Every plugin gets its turn even when one fails, so that one broken
     * step does not leak what the others hold; the first failure is thrown after, the rest suppressed.
     *
     * @param previousResult the ADD result if it is known, as the spec wants; null after a crash lost it
     */
    public void delete(CniNetworkList list, Target target, JsonNode previousResult) {
        List<ObjectNode> reversed = new ArrayList<>(list.plugins()).reversed();
        NetworkException failure = null;
        for (ObjectNode plugin : reversed) {
            try {
                invoke(Command.DEL, pluginConfig(list, plugin, previousResult), target);
            } catch (NetworkException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** CHECK through the list in order: throws if the container's network is not as ADD left it. */
    public void check(CniNetworkList list, Target target, JsonNode previousResult) {
        for (ObjectNode plugin : list.plugins()) {
            invoke(Command.CHECK, pluginConfig(list, plugin, previousResult), target);
        }
    }

    /**
     * Runs one plugin, named by the config's {@code type}. Returns what it printed as JSON, or null when it
     * printed nothing (DEL and CHECK print nothing on success).
     */
    public JsonNode invoke(Command command, ObjectNode config, Target target) {
        String type = config.path("type").asText();
        if (type.isEmpty() || type.contains("/")) {
            throw new IllegalArgumentException("invalid CNI plugin type '" + type + "'");
        }
        Path plugin = pluginDir.resolve(type);
        if (!Files.isExecutable(plugin)) {
            throw new NetworkException("CNI plugin " + plugin + " is missing: install containernetworking-plugins");
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("CNI_COMMAND", command.name());
        environment.put("CNI_CONTAINERID", target.containerId());
        environment.put("CNI_NETNS", target.netns() == null ? "" : target.netns().toString());
        environment.put("CNI_IFNAME", target.ifName());
        environment.put("CNI_PATH", pluginDir.toString());
        environment.put("CNI_ARGS", null); // never pass on the engine's own, if it had any
        byte[] stdin;
        try {
            stdin = mapper.writeValueAsBytes(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a CNI config", e);
        }
        HostProcess.Outcome outcome = HostProcess.run(List.of(plugin.toString()), environment, stdin);
        if (!outcome.succeeded()) {
            throw error(type, command, outcome);
        }
        if (outcome.stdout().isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(outcome.stdout());
        } catch (JsonProcessingException e) {
            throw new NetworkException("CNI plugin " + type + " printed something that is not JSON for " + command + ": "
                    + outcome.stdout().strip(), e);
        }
    }

    /** Reads a result as the spec defines it. */
    public CniResult parseResult(JsonNode json) {
        try {
            return new CniResult(
                    json.path("cniVersion").asText(null),
                    listOf(json.get("interfaces"), CniResult.Interface.class),
                    listOf(json.get("ips"), CniResult.IpConfig.class),
                    listOf(json.get("routes"), CniResult.Route.class),
                    json.hasNonNull("dns") ? mapper.treeToValue(json.get("dns"), CniResult.Dns.class) : null,
                    json.deepCopy());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new NetworkException("cannot read a CNI result: " + e.getMessage() + " in " + json, e);
        }
    }

    private <T> List<T> listOf(JsonNode array, Class<T> type) throws JsonProcessingException {
        if (array == null || array.isNull()) {
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (JsonNode item : array) {
            items.add(mapper.treeToValue(item, type));
        }
        return items;
    }

    private ObjectNode pluginConfig(CniNetworkList list, ObjectNode plugin, JsonNode previousResult) {
        ObjectNode config = plugin.deepCopy();
        config.put("cniVersion", list.cniVersion());
        config.put("name", list.name());
        if (previousResult != null) {
            config.set("prevResult", previousResult.deepCopy());
        }
        return config;
    }

    /** The spec's error object ({@code code}, {@code msg}, {@code details}); plain text from a plugin that broke harder. */
    private CniException error(String type, Command command, HostProcess.Outcome outcome) {
        try {
            JsonNode error = mapper.readTree(outcome.stdout());
            if (error != null && error.has("msg")) {
                return new CniException(type, command.name(), error.path("code").asInt(-1), error.path("msg").asText(),
                        error.path("details").asText(null));
            }
        } catch (JsonProcessingException notJson) {
            // fall through to the raw text
        }
        String said = (outcome.stderr().isBlank() ? outcome.stdout() : outcome.stderr()).strip();
        return new CniException(type, command.name(), -1, "exited with " + outcome.exitCode()
                + (said.isEmpty() ? " and said nothing" : ": " + said), null);
    }
}
