package io.jmachine.drivers.kvm;

/**
 * One rule of QEMU's user-mode networking that forwards a host port to the guest (hostfwd).
 *
 * @param proto  tcp or udp
 * @param hostIp the host address it listens on
 */
record HostForward(String proto, String hostIp, int hostPort, int guestPort) {

    /** As hostfwd_add takes it: {@code tcp:127.0.0.1:8080-:8080} (the guest address is the guest's DHCP one). */
    String addSpec() {
        return removeSpec() + "-:" + guestPort;
    }

    /** As hostfwd_remove takes it: a rule is known by its protocol, host address and host port. */
    String removeSpec() {
        return proto + ":" + hostIp + ":" + hostPort;
    }

    /** Whether both listen on the same host socket, and so cannot both be set up. */
    boolean sameHostSocket(HostForward other) {
        return proto.equals(other.proto) && hostPort == other.hostPort
                && (hostIp.equals(other.hostIp) || "0.0.0.0".equals(hostIp) || "0.0.0.0".equals(other.hostIp));
    }
}
