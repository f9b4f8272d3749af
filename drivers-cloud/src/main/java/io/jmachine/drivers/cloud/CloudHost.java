package io.jmachine.drivers.cloud;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.kvm.CloudInitSeed;
import io.jmachine.drivers.kvm.SshHostKey;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * What every cloud driver does to a new host as the kvm driver does to its VM: the machine's own SSH key for its user, and
 * an SSH host key made here, installed by cloud-init and pinned in known_hosts before the first contact.
 */
public final class CloudHost {

    private final MachineContext context;

    public CloudHost(MachineContext context) {
        this.context = context;
    }

    /** The machine's public key line (OpenSSH format), which its user is let in with. */
    public String publicKey() {
        try {
            return Files.readString(context.sshPublicKey(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new DriverException("cannot read the machine's SSH key " + context.sshPublicKey() + ": " + e.getMessage(), e);
        }
    }

    /** Makes the host key and returns the cloud-init user-data that installs it and lets {@code user} in with the machine's key. */
    public String userData(String instanceId, String user) {
        SshHostKey hostKey = SshHostKey.generate(context.machineDir(), "jmachine-" + context.machineName());
        return new CloudInitSeed(context.machineName(), instanceId, user, publicKey(), hostKey, null, null, false).userData(new Templates());
    }

    /** Pins the host key made by {@link #userData} for {@code knownHostsName} (the address SSH reaches the host at). */
    public void pinHostKey(String knownHostsName) {
        try {
            Files.writeString(context.knownHosts(), SshHostKey.read(context.machineDir()).knownHostsLine(knownHostsName), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DriverException("cannot pin the host key of " + context.machineName() + " in " + context.knownHosts() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Waits one poll interval of a state wait. */
    public static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("waiting for the cloud was interrupted");
        }
    }
}
