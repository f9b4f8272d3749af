package io.jmachine.engine;

import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.config.EngineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * jmachine-engine: dockerd's flags, so that people who know dockerd need nothing new.
 * Every flag but --config-file is also a key of the JSON config file.
 */
@Command(name = "jmachine-engine", mixinStandardHelpOptions = true, versionProvider = EngineMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "A container engine that speaks the Docker Engine API (docker CLI, docker-compose, docker-java, Testcontainers).",
        footer = {"", "Every flag but --config-file can be set in the config file under its long name "
                + "(list flags: hosts, labels, insecure-registries, registry-mirrors); a setting in both places is an error."})
public final class EngineMain implements java.util.concurrent.Callable<Integer> {

    /** Flags whose config-file keys are dockerd's plural names rather than the flag's name. */
    private static final Map<String, String> PLURAL_KEYS = Map.of(
            "host", "hosts", "label", "labels", "insecure-registry", "insecure-registries", "registry-mirror", "registry-mirrors");

    @Option(names = {"-H", "--host"}, paramLabel = "ADDRESS",
            description = "Where to listen: unix:///PATH or tcp://ADDRESS:PORT (repeatable). Default: " + EngineConfig.DEFAULT_SOCKET)
    List<String> hosts;

    @Option(names = "--data-root", paramLabel = "PATH", description = "Root of persistent state. Default: /var/lib/jmachine-engine")
    Path dataRoot;

    @Option(names = "--exec-root", paramLabel = "PATH", description = "Root of runtime state. Default: /run/jmachine-engine")
    Path execRoot;

    @Option(names = {"-p", "--pidfile"}, paramLabel = "PATH", description = "Where to write the engine's pid. Default: EXEC-ROOT/jmachine-engine.pid")
    Path pidfile;

    @Option(names = {"-G", "--group"}, paramLabel = "GROUP", description = "Group that owns the unix sockets (mode 0660). Default: root's group")
    String group;

    @Option(names = "--tlsverify", description = "Require a client certificate signed by --tlscacert on tcp:// listeners.")
    Boolean tlsVerify;

    @Option(names = "--tlscacert", paramLabel = "PEM", description = "CA that signs client certificates.")
    Path tlsCaCert;

    @Option(names = "--tlscert", paramLabel = "PEM", description = "The server's certificate.")
    Path tlsCert;

    @Option(names = "--tlskey", paramLabel = "PEM", description = "The server's key (PKCS#8).")
    Path tlsKey;

    @Option(names = "--allow-insecure-tcp", description = "Allow tcp:// without TLS: anyone who reaches the port controls the host.")
    Boolean allowInsecureTcp;

    @Option(names = "--runtime", paramLabel = "NAME", description = "OCI runtime: runc or crun. Default: chosen for this host")
    String runtime;

    @Option(names = {"-b", "--bridge"}, paramLabel = "NAME", description = "Linux bridge of the default network. Default: jm0")
    String bridge;

    @Option(names = "--bip", paramLabel = "CIDR", description = "The default bridge's address and prefix, as dockerd's --bip: 192.168.5.1/24 (a network address, 192.168.5.0/24, gives the bridge its first host). Default: 172.29.0.1/16")
    String bip;

    @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL", description = "debug, info, warn, error or fatal. Default: info")
    String logLevel;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of this engine, shown by docker info (repeatable).")
    List<String> labels;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", description = "A registry to reach over plain HTTP (repeatable).")
    List<String> insecureRegistries;

    @Option(names = "--registry-mirror", paramLabel = "URL", description = "A mirror of Docker Hub (repeatable).")
    List<String> registryMirrors;

    @Option(names = "--config-file", paramLabel = "PATH", description = "A JSON file with the same settings.")
    Path configFile;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return run(explicitFlags(), configFile);
    }

    /** The engine with these flags (under their config-file keys) and config file, until SIGTERM or SIGINT. */
    static int run(Map<String, Object> flags, Path configFile) {
        EngineConfig config = ConfigLoader.load(flags, configFile);
        configureLogging(config.logLevel());
        CountDownLatch stop = new CountDownLatch(1);
        try (Engine engine = Engine.start(config)) {
            // SIGTERM and SIGINT end the engine cleanly with status 0; containers keep running
            Signal.handle(new Signal("TERM"), signal -> stop.countDown());
            Signal.handle(new Signal("INT"), signal -> stop.countDown());
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The flags given on the command line, under their config-file keys. */
    private Map<String, Object> explicitFlags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            String name = option.longestName().replaceFirst("^--?", "");
            if (option.usageHelp() || option.versionHelp() || name.equals("config-file")) {
                continue;
            }
            Object value = option.getValue();
            flags.put(PLURAL_KEYS.getOrDefault(name, name), value instanceof Path path ? path.toString() : value);
        }
        return flags;
    }

    private static void configureLogging(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.equals("fatal") ? "error" : level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", level.equals("debug") ? "info" : "warn");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jmachine-engine version " + EngineVersion.own() + " (Docker Engine API "
                    + EngineVersion.API + ", compatible with dockerd " + EngineVersion.DOCKER_COMPATIBLE + ")"};
        }
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new EngineMain());
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof ConfigException config) {
                return reportConfigError(cl.getErr(), config);
            }
            throw e;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        // no folders for JNA to search: the engine takes libc from its own process and libcrypto by its file name, and
        // JNA, left to find the folders itself, spawns `ldconfig -p` at its first load (slow in a TCG guest's start)
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "");
        }
        Optional<Path> configFile = configFileAlone(args);
        System.exit(configFile.isPresent() ? startFromConfigFile(configFile.get()) : commandLine().execute(args));
    }

    /**
     * The config file of a command line that gives it alone, as every machine's unit starts the engine: such a start
     * needs no command-line model, whose building (picocli reading the annotated options above) took 0.8 s of a first
     * start in a TCG guest, on create's path to a working engine. Any other command line goes through picocli.
     */
    static Optional<Path> configFileAlone(String[] args) {
        String flag = "--config-file";
        if (args.length == 2 && args[0].equals(flag) && !args[1].isEmpty() && !args[1].startsWith("-")) {
            return Optional.of(Path.of(args[1]));
        }
        if (args.length == 1 && args[0].startsWith(flag + "=") && args[0].length() > flag.length() + 1) {
            return Optional.of(Path.of(args[0].substring(flag.length() + 1)));
        }
        return Optional.empty();
    }

    /** As {@link #commandLine()}'s execution: a config error is a line and status 1. */
    static int startFromConfigFile(Path configFile) {
        try {
            return run(Map.of(), configFile);
        } catch (ConfigException e) {
            return reportConfigError(new PrintWriter(System.err, true), e);
        }
    }

    /** A config error, with or without picocli: one line, and status 1. */
    private static int reportConfigError(PrintWriter err, ConfigException e) {
        err.println("jmachine-engine: " + e.getMessage());
        err.flush();
        return 1;
    }
}
