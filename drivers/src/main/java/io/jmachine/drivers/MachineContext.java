package io.jmachine.drivers;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a driver knows of the machine it drives: its name and its folder in the store, where it may keep
 * its own files (disks, seeds), and where the machine's SSH key lives.
 */
public record MachineContext(String machineName, Path machineDir, Path storeRoot) {

    public MachineContext {
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(machineDir, "machineDir");
        Objects.requireNonNull(storeRoot, "storeRoot");
    }

    /** The machine's private SSH key (OpenSSH format); its public half is beside it with ".pub". */
    public Path sshKey() {
        return machineDir.resolve("id_machine");
    }

    public Path sshPublicKey() {
        return machineDir.resolve("id_machine.pub");
    }

    /** The host keys jmachine trusts for this machine, in OpenSSH's known_hosts format. */
    public Path knownHosts() {
        return machineDir.resolve("known_hosts");
    }
}
