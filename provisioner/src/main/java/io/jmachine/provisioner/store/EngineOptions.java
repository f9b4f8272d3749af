package io.jmachine.provisioner.store;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * How the engine on a machine is configured: Docker Machine's HostOptions.EngineOptions, plus where the
 * engine is installed on the host.
 *
 * @param arbitraryFlags   {@code --engine-opt KEY=VALUE}: keys of the engine's config file (data-root, bridge…)
 * @param env              {@code --engine-env NAME=VALUE}: the engine's environment (proxies…)
 * @param installDir       where the engine bundle is unpacked
 * @param configDir        where its config.json and TLS files go
 */
public record EngineOptions(@JsonProperty("ArbitraryFlags") List<String> arbitraryFlags,
                            @JsonProperty("Env") List<String> env,
                            @JsonProperty("InsecureRegistry") List<String> insecureRegistry,
                            @JsonProperty("Labels") List<String> labels,
                            @JsonProperty("RegistryMirror") List<String> registryMirror,
                            @JsonProperty("TlsVerify") boolean tlsVerify,
                            @JsonProperty("InstallDir") String installDir,
                            @JsonProperty("ConfigDir") String configDir) {

    public static final String DEFAULT_INSTALL_DIR = "/opt/jmachine-engine";
    public static final String DEFAULT_CONFIG_DIR = "/etc/jmachine-engine";

    public EngineOptions {
        arbitraryFlags = arbitraryFlags == null ? List.of() : List.copyOf(arbitraryFlags);
        env = env == null ? List.of() : List.copyOf(env);
        insecureRegistry = insecureRegistry == null ? List.of() : List.copyOf(insecureRegistry);
        labels = labels == null ? List.of() : List.copyOf(labels);
        registryMirror = registryMirror == null ? List.of() : List.copyOf(registryMirror);
        installDir = installDir == null || installDir.isBlank() ? DEFAULT_INSTALL_DIR : installDir;
        configDir = configDir == null || configDir.isBlank() ? DEFAULT_CONFIG_DIR : configDir;
        for (String entry : arbitraryFlags) {
            requireKeyValue("--engine-opt", entry);
        }
        for (String entry : env) {
            requireKeyValue("--engine-env", entry);
        }
        if (!installDir.startsWith("/") || !configDir.startsWith("/")) {
            throw new IllegalArgumentException("the engine's install and config folders must be absolute paths, got "
                    + installDir + " and " + configDir);
        }
    }

    private static void requireKeyValue(String flag, String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(flag + " takes KEY=VALUE, got \"" + entry + "\"");
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(null, null, null, null, null, true, null, null);
    }
}
