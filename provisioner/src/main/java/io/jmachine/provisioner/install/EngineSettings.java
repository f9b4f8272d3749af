package io.jmachine.provisioner.install;

import io.jmachine.provisioner.store.EngineOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a machine's {@link EngineOptions} into the engine's config file (the model of the engine-config template)
 * and its {@link EngineLayout}. {@code --engine-opt KEY=VALUE} sets a key of the engine's config file: list keys
 * (hosts, labels…) take repeated values, the others one. The engine always listens on tcp://0.0.0.0:PORT with
 * mutual TLS, and on its default unix socket unless {@code --engine-opt hosts=…} names others.
 */
public final class EngineSettings {

    public static final String DEFAULT_DATA_ROOT = "/var/lib/jmachine-engine";
    public static final String DEFAULT_EXEC_ROOT = "/run/jmachine-engine";
    public static final String DEFAULT_SOCKET = "unix:///run/jmachine-engine.sock";

    /** Keys jmachine sets itself: an --engine-opt for them would break the TLS set-up it depends on. */
    private static final Set<String> RESERVED = Set.of("tlsverify", "tlscacert", "tlscert", "tlskey");
    private static final Set<String> LIST_KEYS = Set.of("hosts", "labels", "insecure-registries", "registry-mirrors");

    private final EngineLayout layout;
    private final Map<String, Object> model;
    private final List<String> environment;

    private EngineSettings(EngineLayout layout, Map<String, Object> model, List<String> environment) {
        this.layout = layout;
        this.model = model;
        this.environment = environment;
    }

    /**
     * @param driverName becomes the label provider=DRIVER, as Docker Machine adds
     * @param listenPort the TCP port the engine listens on inside its host
     */
    public static EngineSettings of(EngineOptions options, String driverName, int listenPort) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        for (String entry : options.arbitraryFlags()) {
            int eq = entry.indexOf('=');
            String key = entry.substring(0, eq).replaceFirst("^--", "");
            String value = entry.substring(eq + 1);
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("--engine-opt " + key + " cannot be set: jmachine configures the engine's TLS itself");
            }
            if (LIST_KEYS.contains(key)) {
                lists.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else if (single.put(key, value) != null) {
                throw new IllegalArgumentException("--engine-opt " + key + " is given twice; it takes one value");
            }
        }
        String dataRoot = single.getOrDefault("data-root", DEFAULT_DATA_ROOT);
        String execRoot = single.getOrDefault("exec-root", DEFAULT_EXEC_ROOT);
        String pidfile = single.getOrDefault("pidfile", execRoot + "/jmachine-engine.pid");
        single.keySet().removeAll(Set.of("data-root", "exec-root", "pidfile"));
        EngineLayout layout = new EngineLayout(options.installDir(), options.configDir(), dataRoot, execRoot, pidfile);

        List<String> hosts = new ArrayList<>();
        hosts.add("tcp://0.0.0.0:" + listenPort);
        hosts.addAll(lists.getOrDefault("hosts", List.of(DEFAULT_SOCKET)));
        List<String> labels = new ArrayList<>(options.labels());
        labels.addAll(lists.getOrDefault("labels", List.of()));
        labels.add("provider=" + driverName);
        List<String> insecure = new ArrayList<>(options.insecureRegistry());
        insecure.addAll(lists.getOrDefault("insecure-registries", List.of()));
        List<String> mirrors = new ArrayList<>(options.registryMirror());
        mirrors.addAll(lists.getOrDefault("registry-mirrors", List.of()));

        Map<String, Object> model = new HashMap<>();
        model.put("hosts", hosts);
        model.put("dataRoot", dataRoot);
        model.put("execRoot", execRoot);
        model.put("pidfile", pidfile);
        model.put("options", single);
        model.put("tlsCaCert", layout.caCert());
        model.put("tlsCert", layout.serverCert());
        model.put("tlsKey", layout.serverKey());
        model.put("labels", labels);
        model.put("insecureRegistries", insecure);
        model.put("registryMirrors", mirrors);
        return new EngineSettings(layout, model, List.copyOf(options.env()));
    }

    public EngineLayout layout() {
        return layout;
    }

    /** The model of the engine-config template. */
    public Map<String, Object> configModel() {
        return model;
    }

    /** NAME=VALUE entries of the engine's environment. */
    public List<String> environment() {
        return environment;
    }
}
