package io.jmachine.engine.build;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.image.ImageConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An image's run config being changed by a stage's instructions; {@link #build()} freezes it again. */
final class RunConfigBuilder {

    String user;
    final Map<String, Object> exposedPorts;
    final List<String> env;
    List<String> entrypoint;
    List<String> cmd;
    JsonNode healthcheck;
    Boolean argsEscaped;
    final Map<String, Object> volumes;
    String workingDir;
    final Map<String, String> labels;
    final List<String> onBuild;
    String stopSignal;
    List<String> shell;

    RunConfigBuilder(ImageConfig.RunConfig base) {
        user = base.user();
        exposedPorts = base.exposedPorts() == null ? new TreeMap<>() : new TreeMap<>(base.exposedPorts());
        env = base.env() == null ? new ArrayList<>() : new ArrayList<>(base.env());
        entrypoint = base.entrypoint();
        cmd = base.cmd();
        healthcheck = base.healthcheck();
        argsEscaped = base.argsEscaped();
        volumes = base.volumes() == null ? new TreeMap<>() : new TreeMap<>(base.volumes());
        workingDir = base.workingDir();
        labels = base.labels() == null ? new TreeMap<>() : new TreeMap<>(base.labels());
        onBuild = base.onBuild() == null ? new ArrayList<>() : new ArrayList<>(base.onBuild());
        stopSignal = base.stopSignal();
        shell = base.shell();
    }

    ImageConfig.RunConfig build() {
        return new ImageConfig.RunConfig(emptyToNull(user), exposedPorts.isEmpty() ? null : new TreeMap<>(exposedPorts),
                env.isEmpty() ? null : List.copyOf(env), entrypoint, cmd, healthcheck, argsEscaped,
                volumes.isEmpty() ? null : new TreeMap<>(volumes), emptyToNull(workingDir), labels.isEmpty() ? null : new TreeMap<>(labels),
                onBuild.isEmpty() ? null : List.copyOf(onBuild), stopSignal, shell);
    }

    /** The environment as a map (later entries win), which substitution and RUN read. */
    Map<String, String> envMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : env) {
            int eq = entry.indexOf('=');
            map.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        return map;
    }

    void setEnv(String name, String value) {
        env.removeIf(e -> e.equals(name) || e.startsWith(name + "="));
        env.add(name + "=" + value);
    }

    /** The shell that shell forms run in: SHELL's, else /bin/sh -c. */
    List<String> shellOrDefault() {
        return shell == null || shell.isEmpty() ? List.of("/bin/sh", "-c") : shell;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
