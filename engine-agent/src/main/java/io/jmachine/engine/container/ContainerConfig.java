package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** Docker's container Config, as clients send it to create and read it back from inspect. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ContainerConfig(
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("Domainname") String domainname,
        @JsonProperty("User") String user,
        @JsonProperty("AttachStdin") boolean attachStdin,
        @JsonProperty("AttachStdout") boolean attachStdout,
        @JsonProperty("AttachStderr") boolean attachStderr,
        @JsonProperty("ExposedPorts") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> exposedPorts,
        @JsonProperty("Tty") boolean tty,
        @JsonProperty("OpenStdin") boolean openStdin,
        @JsonProperty("StdinOnce") boolean stdinOnce,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Healthcheck") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode healthcheck,
        @JsonProperty("ArgsEscaped") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean argsEscaped,
        @JsonProperty("Image") String image,
        @JsonProperty("Volumes") Map<String, Object> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("NetworkDisabled") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean networkDisabled,
        @JsonProperty("MacAddress") @JsonInclude(JsonInclude.Include.NON_EMPTY) String macAddress,
        @JsonProperty("OnBuild") List<String> onBuild,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") @JsonInclude(JsonInclude.Include.NON_EMPTY) String stopSignal,
        @JsonProperty("StopTimeout") @JsonInclude(JsonInclude.Include.NON_NULL) Integer stopTimeout,
        @JsonProperty("Shell") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> shell) {

    /** Without the fields only Windows (ArgsEscaped) and the MAC address request use. */
    public ContainerConfig(String hostname, String domainname, String user, boolean attachStdin, boolean attachStdout,
                           boolean attachStderr, Map<String, Object> exposedPorts, boolean tty, boolean openStdin, boolean stdinOnce,
                           List<String> env, List<String> cmd, JsonNode healthcheck, String image, Map<String, Object> volumes,
                           String workingDir, List<String> entrypoint, boolean networkDisabled, List<String> onBuild,
                           Map<String, String> labels, String stopSignal, Integer stopTimeout, List<String> shell) {
        this(hostname, domainname, user, attachStdin, attachStdout, attachStderr, exposedPorts, tty, openStdin, stdinOnce, env, cmd,
                healthcheck, false, image, volumes, workingDir, entrypoint, networkDisabled, null, onBuild, labels, stopSignal,
                stopTimeout, shell);
    }

    public ContainerConfig {
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        hostname = hostname == null ? "" : hostname;
        domainname = domainname == null ? "" : domainname;
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
        macAddress = macAddress == null ? "" : macAddress;
    }

    public ContainerConfig withHostnameAndEnv(String newHostname, List<String> newEnv) {
        return new ContainerConfig(newHostname, domainname, user, attachStdin, attachStdout, attachStderr, exposedPorts, tty,
                openStdin, stdinOnce, newEnv, cmd, healthcheck, argsEscaped, image, volumes, workingDir, entrypoint, networkDisabled,
                macAddress, onBuild, labels, stopSignal, stopTimeout, shell);
    }

    public ContainerConfig withImageDefaults(List<String> newCmd, List<String> newEntrypoint, String newUser, String newWorkingDir,
                                             Map<String, String> newLabels, String newStopSignal, Map<String, Object> newExposed,
                                             Map<String, Object> newVolumes) {
        return new ContainerConfig(hostname, domainname, newUser, attachStdin, attachStdout, attachStderr, newExposed, tty,
                openStdin, stdinOnce, env, newCmd, healthcheck, argsEscaped, image, newVolumes, newWorkingDir, newEntrypoint,
                networkDisabled, macAddress, onBuild, newLabels, newStopSignal, stopTimeout, shell);
    }

    public ContainerConfig withHealthcheck(JsonNode newHealthcheck) {
        return new ContainerConfig(hostname, domainname, user, attachStdin, attachStdout, attachStderr, exposedPorts, tty,
                openStdin, stdinOnce, env, cmd, newHealthcheck, argsEscaped, image, volumes, workingDir, entrypoint, networkDisabled,
                macAddress, onBuild, labels, stopSignal, stopTimeout, shell);
    }
}
