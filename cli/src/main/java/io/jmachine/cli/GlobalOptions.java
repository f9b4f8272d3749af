package io.jmachine.cli;

import io.jmachine.provisioner.store.StoreLocation;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.Map;

/** Options every verb takes, before or after its name. */
public final class GlobalOptions {

    @Option(names = {"-s", "--storage-path"}, scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Where machines are stored (env: ${sys:jmachine.storage.env}; default: ~/.jmachine).")
    Path storagePath;

    @Option(names = {"-D", "--debug"}, scope = ScopeType.INHERIT,
            description = "Print debug output, and stack traces on errors.")
    boolean debug;

    static {
        System.setProperty("jmachine.storage.env", StoreLocation.STORAGE_PATH_ENV);
    }

    /** The store from -s, else the environment's JMACHINE_STORAGE_PATH, else ~/.jmachine. */
    public StoreLocation store(Map<String, String> environment) {
        return StoreLocation.resolve(storagePath, environment, Path.of(System.getProperty("user.home")));
    }

    public boolean debug() {
        return debug;
    }
}
