package io.jmachine.engine.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real namespaces under /run/netns, with a prefix of this run's own so that nothing else is touched. */
class NetworkNamespacesIT {

    private final String prefix = "jmt" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3)) + "-";
    private final NetworkNamespaces namespaces = new NetworkNamespaces(prefix);

    @AfterEach
    void deleteOurs() {
        namespaces.list().forEach(namespaces::deleteNamed);
        assertEquals(List.of(), namespaces.list());
    }

    @Test
    void createsListsAndDeletesANamedNamespacePerContainer() throws Exception {
        String id = "0123456789abcdef0123456789abcdef";
        Path path = namespaces.create(id);
        assertEquals(Path.of("/run/netns", prefix + "0123456789ab"), path);
        assertTrue(namespaces.exists(id));
        assertEquals(List.of(prefix + "0123456789ab"), namespaces.list());
        // a real namespace: not the one this JVM is in
        String inside = HostProcess.runChecked(List.of("ip", "netns", "exec", prefix + "0123456789ab", "readlink", "/proc/self/ns/net")).stdout().strip();
        assertFalse(inside.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString()), inside);

        assertTrue(namespaces.delete(id));
        assertFalse(namespaces.exists(id));
        assertFalse(namespaces.delete(id), "deleting again is not an error");
    }

    @Test
    void theEnginesThreadsStayInTheHostsNamespace() throws Exception {
        Path hosts = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        for (int i = 0; i < 3; i++) {
            namespaces.create("abcdef00000" + i);
        }
        assertEquals(hosts, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
        assertEquals(3, namespaces.list().size());
        String inside = HostProcess.runChecked(List.of("ip", "netns", "exec", prefix + "abcdef000000", "readlink", "/proc/self/ns/net")).stdout().strip();
        assertFalse(inside.equals(hosts.toString()), inside);
    }

    @Test
    void creatingOverALeftoverReplacesIt() {
        String id = "feedfacecafe";
        namespaces.create(id);
        HostProcess.runChecked(List.of("ip", "netns", "exec", prefix + id, "ip", "addr", "add", "192.0.2.99/32", "dev", "lo"));
        namespaces.create(id);
        String addresses = HostProcess.runChecked(List.of("ip", "netns", "exec", prefix + id, "ip", "-o", "addr", "show", "lo")).stdout();
        assertFalse(addresses.contains("192.0.2.99"), "a fresh namespace, not the leftover: " + addresses);
        assertTrue(addresses.contains("127.0.0.1/8"), "lo is up with its address, as the loopback plugin left it: " + addresses);
        String lo = HostProcess.runChecked(List.of("ip", "netns", "exec", prefix + id, "ip", "-o", "link", "show", "lo")).stdout();
        assertTrue(lo.contains(",UP"), lo);
    }

    @Test
    void aBareMountPointFromACrashIsDeletedToo() throws Exception {
        Files.createDirectories(NetworkNamespaces.NETNS_DIR);
        Path bare = Files.createFile(NetworkNamespaces.NETNS_DIR.resolve(prefix + "deadbeef0000"));
        assertEquals(List.of(prefix + "deadbeef0000"), namespaces.list());
        assertTrue(namespaces.delete("deadbeef0000"));
        assertFalse(Files.exists(bare));
    }

    @Test
    void onlyOurNamespacesAreOursToDelete() {
        assertThrows(IllegalArgumentException.class, () -> namespaces.deleteNamed("someone-elses"));
        assertThrows(IllegalArgumentException.class, () -> namespaces.deleteNamed(prefix + "../x"));
        assertThrows(IllegalArgumentException.class, () -> namespaces.create("../../etc"));
    }
}
