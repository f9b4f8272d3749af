package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerEtcFilesTest {

    @TempDir
    Path dir;

    @Test
    void loopbackAndIpv6NameserversAreDroppedAndNothingIsAddedInTheirPlace() {
        String filtered = ContainerEtcFiles.filterResolvConf("""
                # from DHCP
                search corp.example lab.example
                nameserver 127.0.0.53
                nameserver 10.0.0.2
                nameserver ::1
                nameserver fd00::53
                options edns0 ndots:2
                nameserver 127.1.1.1
                """);
        assertEquals("""
                # jmachine-engine left out the host's nameservers 127.0.0.53, ::1, fd00::53, 127.1.1.1: unreachable from a container
                # from DHCP
                search corp.example lab.example
                nameserver 10.0.0.2
                options edns0 ndots:2
                """, filtered);
    }

    @Test
    void aHostWithOnlyLoopbackResolversGivesAResolvConfWithoutNameservers() {
        String filtered = ContainerEtcFiles.filterResolvConf("nameserver 127.0.0.1\nsearch home\n");
        assertFalse(filtered.lines().anyMatch(l -> l.startsWith("nameserver")), filtered);
        assertFalse(filtered.contains("8.8.8.8"), "no public fallback");
        assertTrue(filtered.contains("search home\n"), filtered);
    }

    @Test
    void anUntouchedResolvConfStaysAsItWas() {
        assertEquals("nameserver 10.255.255.53\n", ContainerEtcFiles.filterResolvConf("nameserver 10.255.255.53\n"));
    }

    @Test
    void hostsHasLocalhostAndTheContainersOwnNameWhenBridged() {
        String hosts = ContainerEtcFiles.hostsContent("abc123def456", "172.29.0.5");
        assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"), hosts);
        assertTrue(hosts.endsWith("172.29.0.5\tabc123def456\n"), hosts);
        assertFalse(ContainerEtcFiles.hostsContent("box", null).contains("box"));
    }

    @Test
    void writesTheThreeFilesForABridgedContainer() throws Exception {
        Path resolv = Files.writeString(dir.resolve("host-resolv.conf"), "nameserver 127.0.0.1\nnameserver 192.0.2.53\noptions rotate\n");
        ContainerEtcFiles etc = new ContainerEtcFiles(resolv, dir.resolve("absent"), dir.resolve("host-hosts"));
        Path container = Files.createDirectory(dir.resolve("c1"));
        NetworkAttachment attachment = new NetworkAttachment("c1", NetworkMode.defaultBridge(), Path.of("/run/netns/jm-c1"),
                List.of(new NetworkAttachment.Endpoint("n1", "bridge", "e1", "eth0", "172.29.0.9", 16, "172.29.0.1",
                        "aa:bb:cc:dd:ee:ff", "jm0", List.of())), List.of());
        ContainerEtcFiles.EtcFiles files = etc.write(container, "box1", attachment);
        assertEquals("box1\n", Files.readString(files.hostname()));
        assertTrue(Files.readString(files.hosts()).endsWith("172.29.0.9\tbox1\n"));
        assertEquals("# jmachine-engine left out the host's nameservers 127.0.0.1: unreachable from a container\n"
                + "nameserver 192.0.2.53\noptions rotate\n", Files.readString(files.resolvConf()));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.resolvConf())));
        try (var listing = Files.list(container)) {
            assertEquals(3, listing.count(), "no temp files left behind");
        }
    }

    @Test
    void reservedFilesAreEmptyAndGetTheirContentInPlaceSoThatABindMountMadeBeforeSeesIt() throws Exception {
        ContainerEtcFiles etc = new ContainerEtcFiles(dir.resolve("absent"), dir.resolve("absent"), dir.resolve("absent"));
        Path container = Files.createDirectory(dir.resolve("c3"));
        ContainerEtcFiles.EtcFiles reserved = etc.reserve(container);
        assertEquals("", Files.readString(reserved.hosts()));
        Object inode = Files.readAttributes(reserved.hosts(), java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        ContainerEtcFiles.EtcFiles files = etc.write(container, "box3", NetworkAttachment.isolated("c3", Path.of("/run/netns/jm-c3")));
        assertEquals(reserved, files);
        assertEquals(inode, Files.readAttributes(files.hosts(), java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertEquals("box3\n", Files.readString(files.hostname()));
        assertEquals(reserved, etc.reserve(container), "a second reserve keeps what is there");
        assertEquals("box3\n", Files.readString(files.hostname()));
    }

    @Test
    void systemdResolvedsUpstreamServersReplaceItsLoopbackStub() throws Exception {
        Path resolv = Files.writeString(dir.resolve("stub.conf"), "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n");
        Path upstream = Files.writeString(dir.resolve("upstream.conf"), "nameserver 198.51.100.7\nsearch .\n");
        ContainerEtcFiles etc = new ContainerEtcFiles(resolv, upstream, dir.resolve("hosts"));
        Path container = Files.createDirectory(dir.resolve("c2"));
        etc.write(container, "box2", NetworkAttachment.isolated("c2", Path.of("/run/netns/jm-c2")));
        assertEquals("nameserver 198.51.100.7\nsearch .\n", Files.readString(container.resolve("resolv.conf")));
        assertFalse(Files.readString(container.resolve("hosts")).contains("box2"), "none mode has no address for its name");
    }

    @Test
    void hostModeSharesTheHostsFilesAsTheyAre() throws Exception {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\n");
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n192.0.2.2 thehost\n");
        Path container = Files.createDirectory(dir.resolve("c3"));
        new ContainerEtcFiles(resolv, dir.resolve("absent"), hosts).write(container, "thehost", NetworkAttachment.host("c3"));
        assertEquals("nameserver 127.0.0.53\n", Files.readString(container.resolve("resolv.conf")));
        assertEquals("127.0.0.1 localhost\n192.0.2.2 thehost\n", Files.readString(container.resolve("hosts")));
    }

    @Test
    void aHostnameThatWouldBreakTheFilesIsRefused() {
        ContainerEtcFiles etc = new ContainerEtcFiles(dir.resolve("r"), dir.resolve("u"), dir.resolve("h"));
        assertThrows(IllegalArgumentException.class, () -> etc.write(dir, "a\nb", NetworkAttachment.host("c")));
        assertThrows(IllegalArgumentException.class, () -> etc.write(dir, "-x", NetworkAttachment.host("c")));
    }

    @Test
    void extraHostsAndLinksAreAppendedToHosts() throws Exception {
        ContainerEtcFiles etc = new ContainerEtcFiles(dir.resolve("no-resolv"), dir.resolve("absent"), dir.resolve("no-hosts"));
        Path container = Files.createDirectory(dir.resolve("c5"));
        etc.write(container, "box5", NetworkAttachment.isolated("c5", Path.of("/run/netns/jm-c5")),
                new ContainerEtcFiles.EtcOptions(List.of("10.0.0.7\twebalias 0123456789ab web", "192.0.2.9\tdb.local"),
                        List.of(), List.of(), List.of(), null));
        String hosts = Files.readString(container.resolve("hosts"));
        assertTrue(hosts.endsWith("10.0.0.7\twebalias 0123456789ab web\n192.0.2.9\tdb.local\n"), hosts);
    }

    @Test
    void theEmbeddedDnsIsTheOnlyNameserverAndDnsFlagsReplaceTheHostsLines() {
        String host = "# from the host\nnameserver 192.0.2.53\nsearch corp.example\noptions rotate\n";
        assertEquals("# from the host\nsearch corp.example\noptions rotate\nnameserver 10.5.0.1\n",
                ContainerEtcFiles.resolvConf(host, new ContainerEtcFiles.EtcOptions(List.of(), List.of(), List.of(), List.of(), "10.5.0.1")));
        assertEquals("# from the host\n# ExtServers: [198.51.100.1]\nnameserver 10.5.0.1\nsearch a.example\noptions ndots:2\n",
                ContainerEtcFiles.resolvConf(host, new ContainerEtcFiles.EtcOptions(List.of(), List.of("198.51.100.1"),
                        List.of("a.example"), List.of("ndots:2"), "10.5.0.1")));
        assertEquals("# from the host\nsearch corp.example\noptions rotate\nnameserver 198.51.100.1\nnameserver 198.51.100.2\n",
                ContainerEtcFiles.resolvConf(host, new ContainerEtcFiles.EtcOptions(List.of(), List.of("198.51.100.1", "198.51.100.2"),
                        List.of(), List.of(), null)));
        assertEquals(host, ContainerEtcFiles.resolvConf(host, ContainerEtcFiles.EtcOptions.NONE));
    }

    @Test
    void theHostsReachableNameserversAreWhatTheEmbeddedDnsForwardsTo() throws Exception {
        Path resolv = Files.writeString(dir.resolve("r.conf"), "nameserver 127.0.0.53\nnameserver 192.0.2.53\nnameserver ::1\n");
        assertEquals(List.of("192.0.2.53"), new ContainerEtcFiles(resolv, dir.resolve("absent"), dir.resolve("h")).hostNameservers());
    }
}
