package io.jmachine.engine.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI process spec ({@code runtime exec --process}) for an exec: the container's own process
 * from its bundle's config.json, so that capabilities, rlimits, no-new-privileges and security
 * labels are the container's, with the request's command, TTY and overrides.
 */
final class ExecProcessSpec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecProcessSpec() {
    }

    static byte[] build(Path bundle, ExecRequest request) throws IOException {
        if (request.command() == null || request.command().isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
        Path config = bundle.resolve("config.json");
        JsonNode root = JSON.readTree(config.toFile());
        if (!(root.get("process") instanceof ObjectNode containerProcess)) {
            throw new MonitorException(config + " has no process to base the exec on");
        }
        ObjectNode process = containerProcess.deepCopy();
        process.put("terminal", request.tty());
        ArrayNode args = process.putArray("args");
        request.command().forEach(args::add);
        process.remove("commandLine");
        ArrayNode env = process.putArray("env");
        mergedEnv(containerProcess.path("env"), request).forEach((name, entry) -> env.add(entry));
        if (request.workingDir() != null && !request.workingDir().isEmpty()) {
            process.put("cwd", request.workingDir());
        }
        if (request.user() != null) {
            ObjectNode user = process.putObject("user");
            user.put("uid", request.user().uid());
            user.put("gid", request.user().gid());
            if (request.user().additionalGids() != null && !request.user().additionalGids().isEmpty()) {
                ArrayNode gids = user.putArray("additionalGids");
                request.user().additionalGids().forEach(gids::add);
            }
        }
        process.remove("consoleSize");
        if (request.tty() && request.consoleSize() != null) {
            ObjectNode size = process.putObject("consoleSize");
            size.put("height", request.consoleSize().height());
            size.put("width", request.consoleSize().width());
        }
        return JSON.writeValueAsBytes(process);
    }

    /** The container's environment with the request's entries added, a same-named one replaced in place. */
    private static Map<String, String> mergedEnv(JsonNode containerEnv, ExecRequest request) {
        Map<String, String> merged = new LinkedHashMap<>();
        containerEnv.forEach(entry -> merged.put(name(entry.asText()), entry.asText()));
        if (request.env() != null) {
            request.env().forEach(entry -> merged.put(name(entry), entry));
        }
        return merged;
    }

    private static String name(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }
}
