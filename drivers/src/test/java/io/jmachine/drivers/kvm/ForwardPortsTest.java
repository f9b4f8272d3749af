package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PreCreateCheckException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardPortsTest {

    @Test
    void aTakenPortIsRefusedBeforeAnythingIsMadeAndAFreeOneIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> ForwardPorts.check("127.0.0.1", taken.getLocalPort()));
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is taken"), e.getMessage());
            assertEquals(ForwardPorts.Probe.TAKEN, ForwardPorts.probe("127.0.0.1", taken.getLocalPort()), "a remote host's port is probed by connecting");
        }
        int free = ForwardPorts.pick("127.0.0.1");
        assertDoesNotThrow(() -> ForwardPorts.check("127.0.0.1", free));
        assertEquals(ForwardPorts.Probe.FREE, ForwardPorts.probe("127.0.0.1", free), "a refused connection means free");
    }
}
