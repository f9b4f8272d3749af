package io.jmachine.provisioner.install;

import io.jmachine.provisioner.os.OsFamily;
import io.jmachine.provisioner.os.OsRelease;

/** What the first step learns of the host, for the steps after it. */
final class HostFacts {
    OsRelease release;
    OsFamily family;
    EngineService service;
    /** The steps' first looks at the host, asked together (see {@link HostChecks}). */
    HostChecks checks;
    /** Whether a step changed what the engine runs with (its bundle, config or TLS files), so that it must restart. */
    boolean engineChanged;

    HostChecks checks() {
        if (checks == null) {
            throw new IllegalStateException("no host checks set up");
        }
        return checks;
    }

    EngineService service() {
        if (service == null) {
            throw new IllegalStateException("the host was not inspected yet");
        }
        return service;
    }
}
