package io.jmachine.drivers.kvm;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One TCP port of the guest forwarded from 127.0.0.1 on the host (user-mode networking's hostfwd). */
public record PortForward(@JsonProperty("HostPort") int hostPort, @JsonProperty("GuestPort") int guestPort) {

    public PortForward {
        check("host", hostPort);
        check("guest", guestPort);
    }

    private static void check(String side, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the " + side + " port " + port + " is out of range 1-65535");
        }
    }

    /** Parses {@code --kvm-port-forward HOST:GUEST}. */
    public static PortForward parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--kvm-port-forward " + spec + " is not HOST:GUEST (e.g. 8080:80)");
        }
        try {
            return new PortForward(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--kvm-port-forward " + spec + " is not HOST:GUEST with numbers (e.g. 8080:80)");
        }
    }
}
