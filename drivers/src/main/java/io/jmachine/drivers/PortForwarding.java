package io.jmachine.drivers;

import java.util.List;

/**
 * A machine whose containers' published ports do not answer at its address by themselves (a VM behind QEMU's user-mode
 * networking): the host forwards them, kept in step with the containers by jmachine's forward agent.
 */
public interface PortForwarding {

    /** A port a running container publishes on its host, as the engine lists it ({@code /containers/json}'s Ports). */
    record Published(String proto, String hostIp, int port) {}

    /** One forward as last set up: {@code error} is null when it answers, else why it does not (a port taken on the host). */
    record Forward(String proto, String hostIp, int hostPort, int guestPort, String error) {}

    /**
     * Makes the host's forwards those of {@code ports}, the complete list of what the machine's containers publish now:
     * adds the missing ones, removes those no container publishes any more, and records the outcome. Throws
     * {@link DriverException} when the host cannot be asked (the VM is not running).
     */
    List<Forward> reconcile(List<Published> ports);

    /** The forwards as the last reconcile left them (empty before any). */
    List<Forward> recorded();
}
