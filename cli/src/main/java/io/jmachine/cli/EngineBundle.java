package io.jmachine.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the engine bundle that hosts get: --engine-bundle, else $JMACHINE_ENGINE_BUNDLE, else the one the
 * engine module builds beside this CLI in a source tree (engine-agent/target/).
 */
final class EngineBundle {

    static final String ENV = "JMACHINE_ENGINE_BUNDLE";
    static final String FILE = "jmachine-engine-bundle.tar.gz";

    private EngineBundle() {
    }

    static Path locate(Path flag, Map<String, String> environment) {
        if (flag != null) {
            return flag.toAbsolutePath();
        }
        String fromEnv = environment.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        return besideThisJar();
    }

    /** cli/target/jmachine-cli.jar (or cli/target/classes) → engine-agent/target/jmachine-engine-bundle.tar.gz */
    private static Path besideThisJar() {
        try {
            Path code = Path.of(EngineBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            Path root = target.getParent() == null ? target : target.getParent().getParent();
            return root.resolve("engine-agent").resolve("target").resolve(FILE).normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("engine-agent", "target", FILE).toAbsolutePath();
        }
    }
}
