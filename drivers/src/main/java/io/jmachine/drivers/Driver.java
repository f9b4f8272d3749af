package io.jmachine.drivers;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What jmachine needs of a place that runs machines (Docker Machine's driver interface). One instance
 * drives one machine; it is made by its {@link DriverFactory}, either from flags for a new machine or
 * from the settings stored in machine.json. Operations that a driver cannot do throw
 * {@link DriverException} with a message that says what to do instead.
 */
public interface Driver {

    /** The name users pass to `create -d`. */
    String name();

    /**
     * Checks what can be checked before anything is created (flags, tools, reachability), so that a doomed
     * create fails before it writes anything. Throws {@link PreCreateCheckException}.
     */
    void preCreateCheck(Progress progress);

    /** Creates the host (a VM, or nothing for a host that already exists) and leaves it running. */
    void create(Progress progress);

    /** Starts the host; returns once it is starting (the caller waits for its engine). */
    void start(Progress progress);

    /** A clean shutdown of the host. */
    void stop(Progress progress);

    /** Stops at once, without a clean shutdown. */
    void kill();

    default void restart(Progress progress) {
        stop(progress);
        start(progress);
    }

    /** Destroys what {@link #create()} made. Must succeed on a half-created machine, so that it can always be removed. */
    void remove();

    MachineState state();

    /** Where the engine answers the client, e.g. {@code tcp://192.168.122.5:2376}. */
    URI engineUrl();

    /** The port the engine listens on inside its host; differs from the URL's port where a port is forwarded. */
    default int engineListenPort() {
        return engineUrl().getPort();
    }

    /** The host's address as users see it (`jmachine ip`). */
    String ipAddress();

    /** Every address the engine is reached at; the server certificate covers them (127.0.0.1 and localhost are added). */
    default List<String> engineAddresses() {
        return List.of(engineUrl().getHost());
    }

    /**
     * Where the guest finds the engine bundle at its first boot when this driver can put it there before {@link
     * #create}: a block device path, named the same in every guest it makes. Empty: the bundle goes over SSH.
     */
    default Optional<String> firstBootBundleDevice() {
        return Optional.empty();
    }

    /**
     * Before {@link #create}: the host should run {@code script} (a POSIX shell script) early at each boot, with
     * {@code bundle} readable at {@link #firstBootBundleDevice()}. Called only when that device is present.
     */
    default void firstBoot(String script, java.nio.file.Path bundle) {
        throw new UnsupportedOperationException(name() + " runs nothing at first boot");
    }

    /** Where the host's console output is kept (its boot messages), for when it does not come up; empty if nowhere. */
    default Optional<java.nio.file.Path> consoleLog() {
        return Optional.empty();
    }

    /**
     * Writes the host's disk to {@code target} as one standalone file that needs nothing else of this host (`export
     * --disk`): a qcow2 without a backing file, for drivers that keep disks. The host must be stopped.
     */
    default void exportDisk(java.nio.file.Path target, Progress progress) {
        throw new DriverException("the " + name() + " driver keeps no disk of its host: export without --disk");
    }

    /**
     * After `import` put the machine's files in its folder (with its disk, if it was exported with one): makes the host
     * known here (kvm: defines the libvirt domain on this host's libvirt), without starting it.
     */
    default void imported(Progress progress) {
    }

    /**
     * The forwards that make containers' published ports answer at {@link #ipAddress()}, where the host needs them (a VM
     * behind user-mode networking); empty where the ports answer there by themselves.
     */
    default Optional<PortForwarding> portForwarding() {
        return Optional.empty();
    }

    /** How to reach the host over SSH; empty for drivers that manage no host (none). */
    Optional<SshEndpoint> ssh();

    /**
     * Whether there is a host to log in to and install the engine on. Unlike {@link #ssh()}, answered before
     * {@link #create()}, when a host's address may not be known yet (a VM on a DHCP network).
     */
    default boolean hasHost() {
        return ssh().isPresent();
    }

    /**
     * Whether jmachine makes the machine's SSH key pair before {@link #create()} (at {@link MachineContext#sshKey()}):
     * true for drivers that make hosts, false for those that adopt one with the user's key.
     */
    default boolean wantsGeneratedSshKey() {
        return true;
    }

    /**
     * Whether {@link #remove()} destroys the host with everything on it. Where it does not (an adopted host),
     * jmachine stops and unregisters the engine it installed before forgetting the machine.
     */
    boolean ownsHost();

    /** The settings to store as machine.json's "Driver" object (serialized with Jackson); no secrets. */
    Object settings();

    /** Values of this driver's secret flags: kept apart from machine.json, in a file only the owner can read. */
    default Map<String, String> secrets() {
        return Map.of();
    }
}
