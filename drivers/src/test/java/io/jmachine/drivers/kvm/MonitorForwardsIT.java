package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PortForwarding.Forward;
import io.jmachine.drivers.PortForwarding.Published;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forwards through a real QEMU's monitor, by libvirt's passthrough: a transient domain started paused (no disk, no
 * guest boots, no CPU spent) with a user-mode netdev as the kvm driver defines it. Needs libvirtd at qemu:///system.
 */
class MonitorForwardsIT {

    private static final String URI = "qemu:///system";
    private static final String NAME = "jmit-forwards-" + ProcessHandle.current().pid();
    private static int sshPort;
    private static Domain domain;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPausedDomain() throws Exception {
        Connect connect;
        try {
            connect = new Connect(URI);
        } catch (Exception | UnsatisfiedLinkError e) {
            assumeTrue(false, "libvirtd does not answer at " + URI + ": " + e.getMessage());
            return;
        }
        sshPort = freePort();
        String xml = """
                <domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
                  <name>%s</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type></os>
                  <devices/>
                  <qemu:commandline>
                    <qemu:arg value='-netdev'/><qemu:arg value='user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:22'/>
                    <qemu:arg value='-device'/><qemu:arg value='virtio-net-pci,netdev=n0,bus=pci.0,addr=0x1e'/>
                  </qemu:commandline>
                </domain>""".formatted(NAME, sshPort);
        domain = connect.domainCreateXML(xml, 1 /* VIR_DOMAIN_START_PAUSED */);
    }

    @AfterAll
    static void destroy() throws Exception {
        if (domain != null) {
            domain.destroy();
        }
    }

    private KvmForwards forwards() {
        LibvirtDomains libvirt = new LibvirtDomains(URI);
        return new KvmForwards(hmp -> libvirt.monitor(NAME, hmp), List.of(new HostForward("tcp", "127.0.0.1", sshPort, 22)),
                "127.0.0.1", KvmForwards::hostHasAddress, dir.resolve("forwards.json"));
    }

    @Test
    void publishedPortsAreForwardedATakenOneIsReportedAndAllGoWhenNothingIsPublished() throws Exception {
        int tcp = freePort();
        int udp = freePort();
        int taken;
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            taken = holder.getLocalPort();
            List<Forward> outcome = forwards().reconcile(List.of(new Published("tcp", "0.0.0.0", tcp), new Published("udp", "0.0.0.0", udp),
                    new Published("tcp", "0.0.0.0", taken)));
            assertNull(outcome.get(0).error());
            assertNull(outcome.get(1).error());
            assertTrue(outcome.get(2).error().contains("127.0.0.1:" + taken + "/tcp not forwarded"), outcome.get(2).error());
            assertTrue(listening(tcp), "QEMU listens on the forwarded port");
            assertThrows(IOException.class, () -> new java.net.DatagramSocket(udp, InetAddress.getLoopbackAddress()).close());
        }
        // the holder is gone: the next reconcile sets the forward up
        assertNull(forwards().reconcile(List.of(new Published("tcp", "0.0.0.0", tcp), new Published("tcp", "0.0.0.0", taken))).get(1).error());
        assertTrue(listening(taken));

        forwards().reconcile(List.of());
        assertTrue(!listening(tcp) && !listening(taken), "the forwards are gone");
        assertTrue(listening(sshPort), "the machine's own forward stays");
        assertEquals(List.of(new HostForward("tcp", "127.0.0.1", sshPort, 22)),
                UsernetTable.forwards(new LibvirtDomains(URI).monitor(NAME, "info usernet")));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
