package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PreCreateCheckException;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Host ports for the VM's forwards on the address QEMU binds them to: this host's (bound and released to find a free
 * one), or a libvirt host's elsewhere, where a port is taken for free when a connection to it is refused.
 */
final class ForwardPorts {

    private static final int PROBE_TIMEOUT_MILLIS = 2000;
    /** Below Linux's ephemeral range, so that the remote host's own outgoing connections do not take it first. */
    private static final int LOW = 20000;
    private static final int HIGH = 32767;

    private ForwardPorts() {
    }

    /** A port that looks free at {@code address} now; {@link #check} says whether it still is before anything is made. */
    static int pick(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException notThisHosts) {
            for (int attempt = 0; attempt < 20; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
                if (probe(address, port) != Probe.TAKEN) {
                    return port;
                }
            }
            return ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
        }
    }

    enum Probe { FREE, TAKEN, UNREACHABLE }

    /** Refuses a port QEMU could not bind at {@code address}, naming the fix. */
    static void check(String address, int port) {
        InetAddress resolved;
        try {
            resolved = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new PreCreateCheckException("the forward address " + address + " does not resolve; pass --kvm-forward-address with "
                    + "an address of the libvirt host that this host reaches");
        }
        try (ServerSocket socket = new ServerSocket(port, 1, resolved)) {
            return;
        } catch (BindException e) {
            if (isLocal(resolved)) {
                throw new PreCreateCheckException("port " + port + " on " + address + " is taken now; create again (it picks another)");
            }
        } catch (IOException e) {
            // not this host's address: probed below
        }
        switch (probe(address, port)) {
            case FREE -> { }
            case TAKEN -> throw new PreCreateCheckException("no free forward port: " + port + " on " + address
                    + " is taken; create again (it picks another)");
            case UNREACHABLE -> throw new PreCreateCheckException("this host cannot reach " + address + " on TCP (port " + port
                    + "), where the VM's SSH and engine ports would be forwarded; pass --kvm-forward-address with an address of the "
                    + "libvirt host that this host reaches, or open its firewall for ports " + LOW + "-" + HIGH);
        }
    }

    static Probe probe(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), PROBE_TIMEOUT_MILLIS);
            return Probe.TAKEN;
        } catch (ConnectException refused) {
            return Probe.FREE;
        } catch (IOException e) {
            return Probe.UNREACHABLE;
        }
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
