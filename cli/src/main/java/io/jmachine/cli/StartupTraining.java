package io.jmachine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.drivers.DriverRegistry;
import io.jmachine.drivers.FileTrees;
import io.jmachine.provisioner.install.FirstBootBundle;
import io.jmachine.provisioner.store.MachineStore;
import io.jmachine.provisioner.store.StoreLocation;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The training run behind the CLI's ahead-of-time cache (JDK 25's -XX:AOTCacheOutput): it runs the quick verbs
 * people and scripts call most (ls, env, inspect, config…) against a throwaway store, so that the classes they load
 * and link, and the methods they warm, are what the cache holds. Without it the cache would hold whatever the first
 * command happened to load, usually `version`. The machines point at a {@link TrainingEngine} on loopback, so `ls`
 * goes through a real mutual-TLS handshake. It touches nothing outside its temporary folder and no network beyond
 * 127.0.0.1, but for the engine bundle's disk image, which it makes in the user's cache as create would.
 */
public final class StartupTraining {

    // when the training engine cannot start: port 1 on loopback refuses at once, so ls still sets up TLS
    private static final String REFUSING_URL = "tcp://127.0.0.1:1";

    private static final String KVM_MACHINE = "training-kvm";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StartupTraining() {}

    /** The verbs, in order; each runs in this JVM as `jmachine ARGS` would. */
    static List<List<String>> verbs(String store, String engineUrl) {
        List<String> storeFlag = List.of("-s", store);
        return Stream.of(
                List.of("version"),
                List.of("create", "-d", "none", "--url", engineUrl, "training1"),
                List.of("create", "-d", "none", "--url", engineUrl, "training2"),
                List.of("ls"),
                List.of("ls", "-q"),
                List.of("ls", "--format", "{{.Name}} {{.State}}"),
                List.of("ls", "--format", "json"),
                List.of("env", "training1"),
                List.of("env", "--shell", "fish", "training1"),
                List.of("env", "-u"),
                List.of("inspect", "training1"),
                List.of("inspect", "-f", "{{.DriverName}}", "training1"),
                List.of("config", "training1"),
                List.of("url", "training1"),
                List.of("ip", "training1"),
                List.of("status", "training1"),
                List.of("active"),
                List.of("rm", "-y", "training1", "training2"))
                .map(verb -> Stream.concat(storeFlag.stream(), verb.stream()).toList())
                .toList();
    }

    /** Runs every verb; returns the ones that failed (the output is dropped: a cache, not a test, is the product). */
    static List<String> run(Path store) {
        TrainingEngine engine = null;
        try {
            engine = TrainingEngine.start(store.resolve("certs"));
        } catch (IOException | RuntimeException e) {
            // the cache then lacks the handshake's classes: slower `ls`, nothing worse
        }
        try {
            return run(store, engine != null ? engine.url() : REFUSING_URL);
        } finally {
            if (engine != null) {
                try {
                    engine.close();
                } catch (IOException e) {
                    // the JVM ends right after the training
                }
            }
        }
    }

    private static List<String> run(Path store, String engineUrl) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("DOCKER_HOST", engineUrl); // as after `eval $(jmachine env training1)`: `active` answers
        environment.remove("JMACHINE_STORAGE_PATH");
        // the machines' docker contexts go to the throwaway store, never to the user's docker config
        environment.put("DOCKER_CONFIG", store.resolve("docker-config").toString());
        environment.putIfAbsent("SHELL", "/bin/bash");
        List<String> failures = new ArrayList<>();
        for (List<String> verb : verbs(store.toString(), engineUrl)) {
            if (verb.contains("ls") && !Files.exists(store.resolve("machines").resolve(KVM_MACHINE))) {
                kvmMachine(store);
            }
            String[] args = verb.toArray(String[]::new);
            // as main starts it: the verb alone, so the cache holds the classes a real run loads
            JMachine.warmUp(args);
            CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), environment, false, args);
            commandLine.setOut(new PrintWriter(new StringWriter()));
            commandLine.setErr(new PrintWriter(new StringWriter()));
            if (commandLine.execute(args) != 0) {
                failures.add(String.join(" ", verb));
            }
        }
        deleteTree(store.resolve("machines").resolve(KVM_MACHINE));
        return failures;
    }

    /**
     * A kvm machine whose domain does not exist, beside the none machines: `ls` then asks libvirt for its state, which
     * loads JNA and libvirt-java (150 ms of a cold `ls` over kvm machines). A read-only lookup on the host's libvirt;
     * where there is none, the failed connect loads most of the same classes.
     */
    private static void kvmMachine(Path store) {
        try {
            Path from = store.resolve("machines").resolve("training1").resolve(MachineStore.CONFIG_FILE);
            ObjectNode config = (ObjectNode) JSON.readTree(from.toFile());
            String domain = "jmachine-training-" + UUID.randomUUID();
            config.put("Name", KVM_MACHINE);
            config.put("DriverName", "kvm");
            config.with("HostOptions").put("Driver", "kvm");
            ObjectNode driver = config.putObject("Driver");
            driver.put("MachineName", domain);
            driver.put("ConnectionURI", "qemu:///system");
            driver.put("Network", "user");
            driver.put("SSHUser", "docker");
            driver.put("SSHPort", 1);
            driver.put("EnginePort", 1);
            driver.put("ForwardAddress", "127.0.0.1");
            Path machine = Files.createDirectories(from.getParent().resolveSibling(KVM_MACHINE));
            JSON.writeValue(machine.resolve(MachineStore.CONFIG_FILE).toFile(), config);
        } catch (IOException | RuntimeException e) {
            // the cache then lacks libvirt's classes: a slower `ls` of kvm machines, nothing worse
        }
    }

    /**
     * The first-boot disk image of the engine bundle built beside this CLI, in the user's cache: made here, once after
     * each build as this training is, rather than by the first create after it (2-3 s there). Where it cannot be made,
     * create makes it, or falls back to the tarball, as without this.
     */
    static void prepareBundleImage(Map<String, String> environment, Path home) {
        Path bundle = EngineBundle.locate(null, environment);
        if (!Files.isRegularFile(bundle)) {
            return;
        }
        try {
            StoreLocation location = StoreLocation.resolve(null, environment, home);
            FirstBootBundle.of(bundle, location.bundleDigests().sha256(bundle), location.bundleCache());
        } catch (IOException | RuntimeException e) {
            System.err.println("jmachine: the engine bundle's disk image was not made now (" + e.getMessage() + "); create makes it");
        }
    }

    public static void main(String[] args) throws IOException {
        Path store = Files.createTempDirectory("jmachine-training-");
        try {
            List<String> failures = run(store);
            if (!failures.isEmpty()) {
                // still a usable cache: it only lacks what the failed verbs would have loaded
                System.err.println("jmachine: training verbs failed, the start-up cache is partial: " + failures);
            }
        } finally {
            deleteTree(store);
        }
        prepareBundleImage(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
