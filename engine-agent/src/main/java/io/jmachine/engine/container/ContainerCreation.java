package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a create request and its image's defaults make a container's Config, as dockerd merges them. */
final class ContainerCreation {

    private ContainerCreation() {
    }

    static ContainerConfig merge(ContainerConfig requested, ImageAccess.ImageDefaults image, String defaultHostname) {
        List<String> entrypoint = requested.entrypoint();
        List<String> cmd = requested.cmd();
        if (entrypoint == null) {
            entrypoint = image.entrypoint();
            if (cmd == null || cmd.isEmpty()) {
                cmd = image.cmd();
            }
        } else if (entrypoint.size() == 1 && entrypoint.get(0).isEmpty()) {
            // --entrypoint "" resets the image's entrypoint
            entrypoint = List.of();
        }
        if ((entrypoint == null || entrypoint.isEmpty()) && (cmd == null || cmd.isEmpty())) {
            throw EngineException.invalid("no command specified");
        }
        Map<String, String> labels = new LinkedHashMap<>(image.labels() == null ? Map.of() : image.labels());
        labels.putAll(requested.labels());
        Map<String, Object> exposed = new LinkedHashMap<>(image.exposedPorts() == null ? Map.of() : image.exposedPorts());
        if (requested.exposedPorts() != null) {
            exposed.putAll(requested.exposedPorts());
        }
        Map<String, Object> volumes = new LinkedHashMap<>(image.volumes() == null ? Map.of() : image.volumes());
        if (requested.volumes() != null) {
            volumes.putAll(requested.volumes());
        }
        ContainerConfig merged = requested.withImageDefaults(cmd, entrypoint,
                requested.user().isEmpty() && image.user() != null ? image.user() : requested.user(),
                requested.workingDir().isEmpty() && image.workingDir() != null ? image.workingDir() : requested.workingDir(),
                labels, requested.stopSignal() != null ? requested.stopSignal() : image.stopSignal(),
                exposed.isEmpty() ? null : exposed, volumes.isEmpty() ? null : volumes);
        return merged.withHostnameAndEnv(requested.hostname().isEmpty() ? defaultHostname : requested.hostname(),
                mergeEnv(image.env(), requested.env())).withHealthcheck(HealthCheck.merge(requested.healthcheck(), image.healthcheck()));
    }

    /** The image's environment, overridden per variable by the request's; the request's order wins for new ones. */
    static List<String> mergeEnv(List<String> image, List<String> requested) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (List<String> source : List.of(image == null ? List.<String>of() : image, requested)) {
            for (String entry : source) {
                int eq = entry.indexOf('=');
                byName.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        boolean hasPath = byName.containsKey("PATH");
        List<String> env = new ArrayList<>(byName.values());
        if (!hasPath) {
            env.add(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        return env;
    }

    /** Path and Args as inspect shows them: entrypoint then cmd, the first word the path. */
    static List<String> commandLine(ContainerConfig config) {
        List<String> all = new ArrayList<>();
        if (config.entrypoint() != null) {
            all.addAll(config.entrypoint());
        }
        if (config.cmd() != null) {
            all.addAll(config.cmd());
        }
        return all;
    }
}
