package io.jmachine.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the engine starts with. The JSON names are the config file's keys and the flags'
 * long names, as dockerd's daemon.json; list flags take dockerd's plural keys (hosts, labels…).
 */
public record EngineConfig(
        @JsonProperty("hosts") List<HostAddress> hosts,
        @JsonProperty("data-root") Path dataRoot,
        @JsonProperty("exec-root") Path execRoot,
        @JsonProperty("pidfile") Path pidfile,
        @JsonProperty("group") String group,
        @JsonProperty("tlsverify") boolean tlsVerify,
        @JsonProperty("tlscacert") Path tlsCaCert,
        @JsonProperty("tlscert") Path tlsCert,
        @JsonProperty("tlskey") Path tlsKey,
        @JsonProperty("allow-insecure-tcp") boolean allowInsecureTcp,
        @JsonProperty("runtime") String runtime,
        @JsonProperty("bridge") String bridge,
        @JsonProperty("bip") String bip,
        @JsonProperty("log-level") String logLevel,
        @JsonProperty("labels") List<String> labels,
        @JsonProperty("insecure-registries") List<String> insecureRegistries,
        @JsonProperty("registry-mirrors") List<String> registryMirrors) {

    public static final String DEFAULT_SOCKET = "unix:///run/jmachine-engine.sock";
    public static final Path DEFAULT_DATA_ROOT = Path.of("/var/lib/jmachine-engine");
    public static final Path DEFAULT_EXEC_ROOT = Path.of("/run/jmachine-engine");
    private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error", "fatal");

    @JsonCreator
    public EngineConfig {
        hosts = hosts == null || hosts.isEmpty() ? List.of(HostAddress.parse(DEFAULT_SOCKET)) : List.copyOf(hosts);
        dataRoot = absolute("data-root", dataRoot == null ? DEFAULT_DATA_ROOT : dataRoot);
        execRoot = absolute("exec-root", execRoot == null ? DEFAULT_EXEC_ROOT : execRoot);
        // beside the exec root, so that engines with their own roots never share a pidfile
        pidfile = absolute("pidfile", pidfile == null ? execRoot.resolve("jmachine-engine.pid") : pidfile);
        group = group == null || group.isBlank() ? null : group;
        logLevel = logLevel == null ? "info" : logLevel.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new ConfigException("invalid log-level " + logLevel + ": use one of debug, info, warn, error, fatal");
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
        registryMirrors = registryMirrors == null ? List.of() : List.copyOf(registryMirrors);
        validateTls(hosts, tlsVerify, tlsCaCert, tlsCert, tlsKey, allowInsecureTcp);
    }

    /** The defaults, as if started with no flags. */
    public static EngineConfig defaults() {
        return new EngineConfig(null, null, null, null, null, false, null, null, null, false, null, null, null, null, null, null, null);
    }

    public boolean listensOnTcp() {
        return hosts.stream().anyMatch(h -> h instanceof HostAddress.Tcp);
    }

    private static void validateTls(List<HostAddress> hosts, boolean tlsVerify, Path ca, Path cert, Path key, boolean allowInsecureTcp) {
        if (tlsVerify && (ca == null || cert == null || key == null)) {
            throw new ConfigException("--tlsverify needs --tlscacert, --tlscert and --tlskey (PEM files: the CA that signs clients, "
                    + "the server certificate and its PKCS#8 key)");
        }
        boolean tcp = hosts.stream().anyMatch(h -> h instanceof HostAddress.Tcp);
        if (tcp && !tlsVerify && !allowInsecureTcp) {
            throw new ConfigException("refusing a tcp:// listener without --tlsverify: anyone who reaches it would control this host. "
                    + "Give --tlsverify with --tlscacert, --tlscert and --tlskey, or pass --allow-insecure-tcp if you accept that risk");
        }
    }

    private static Path absolute(String key, Path path) {
        if (!path.isAbsolute()) {
            throw new ConfigException("invalid " + key + " " + path + ": use an absolute path");
        }
        return path.normalize();
    }
}
