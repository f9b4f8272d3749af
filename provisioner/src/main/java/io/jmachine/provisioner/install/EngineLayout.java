package io.jmachine.provisioner.install;

/**
 * Where the engine's files are on its host.
 *
 * @param installDir the unpacked bundle (bin/jmachine-engine, its runtime and jars)
 * @param configDir  config.json and the TLS files
 * @param pidfile    the engine writes it; jmachine reads it where there is no systemd
 */
public record EngineLayout(String installDir, String configDir, String dataRoot, String execRoot, String pidfile) {

    public static final String SERVICE = "jmachine-engine";
    public static final String UNIT_FILE = "/etc/systemd/system/" + SERVICE + ".service";
    /** Where a first boot mounts the bundle disk, which {@link #installDir()} links to until the bundle is copied off it. */
    public static final String FIRST_BOOT_BUNDLE_MOUNT = "/var/lib/jmachine/engine-bundle";
    /** There while a first boot checks the bundle disk's digest: the install waits for it. */
    public static final String FIRST_BOOT_CHECK_MARKER = "/run/jmachine/engine-bundle.checking";
    /** Left by the install once it has looked at the bundle: a first boot's copy waits for it, off create's path. */
    public static final String FIRST_BOOT_LOOKED_MARKER = "/run/jmachine/engine-bundle.looked";

    public String binary() {
        return installDir + "/bin/jmachine-engine";
    }

    public String configFile() {
        return configDir + "/config.json";
    }

    public String caCert() {
        return configDir + "/ca.pem";
    }

    public String serverCert() {
        return configDir + "/server.pem";
    }

    public String serverKey() {
        return configDir + "/server-key.pem";
    }

    /** The engine's output where no journal keeps it (hosts without systemd). */
    public String logFile() {
        return execRoot + "/jmachine-engine.log";
    }

    /** The checksum of the bundle that is unpacked in {@link #installDir()}, so that an unchanged bundle is not sent again. */
    public String bundleChecksumFile() {
        return installDir + "/.bundle-sha256";
    }
}
