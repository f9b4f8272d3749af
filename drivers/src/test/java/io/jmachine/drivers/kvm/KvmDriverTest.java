package io.jmachine.drivers.kvm;

import io.jmachine.drivers.Progress;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.kvm.image.ImageCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvmDriverTest {

    @TempDir
    Path dir;

    /** The DHCP leases the fake network hands out, by MAC: a test changes them as a DHCP server would. */
    private final Map<String, GuestAddresses.Lease> leases = new java.util.concurrent.ConcurrentHashMap<>();

    private final KvmDriverFactory factory = new KvmDriverFactory(new ImageCache(Path.of("/nonexistent"), Path.of("/nonexistent")),
            new AccelChoice("flags : fpu\n", false), uri -> (network, domain, mac) -> java.util.Optional.ofNullable(leases.get(mac)));

    private MachineContext context() {
        return new MachineContext("vm1", dir.resolve("store/machines/vm1"), dir.resolve("store"));
    }

    private KvmDriver driver(Map<String, Object> flags) {
        return (KvmDriver) factory.newDriver(context(), new DriverOptions(factory.flags(), flags));
    }

    @Test
    void flagsHaveTheirDefaults() {
        KvmSettings settings = driver(Map.of()).settings();
        assertEquals(1024, settings.memory());
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), settings.cpu());
        assertEquals(20000, settings.diskSize());
        assertEquals("qemu:///system", settings.connectionUri());
        assertEquals("auto", settings.accel());
        assertEquals("user", settings.network());
        assertEquals("docker", settings.sshUser());
        assertEquals(List.of(), settings.portForwards());
        assertEquals(null, settings.image());
        assertNotEquals(settings.sshPort(), settings.enginePort());
        assertTrue(factory.flags().stream().allMatch(f -> f.name().startsWith("--kvm-")));
    }

    @Test
    void flagsAreParsed() {
        KvmDriver driver = driver(Map.of("--kvm-memory", 2048, "--kvm-cpu-count", 2, "--kvm-accel", "tcg",
                "--kvm-port-forward", List.of("18180:8080", "9000:9000"), "--kvm-image", "rel.qcow2", "--kvm-ssh-user", "debian"));
        KvmSettings settings = driver.settings();
        assertEquals(2048, settings.memory());
        assertEquals(2, settings.cpu());
        assertEquals("tcg", settings.accel());
        assertEquals(List.of(new PortForward(18180, 8080), new PortForward(9000, 9000)), settings.portForwards());
        assertTrue(Path.of(settings.image()).isAbsolute());
        assertEquals("debian", driver.ssh().orElseThrow().user());
        assertEquals("tcp://127.0.0.1:" + settings.enginePort(), driver.engineUrl().toString());
        assertEquals(2376, driver.engineListenPort());
        assertTrue(driver.ownsHost());
    }

    @Test
    void badPortForwardsAreRefusedBeforeAnythingIsMade() {
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-port-forward", List.of("8080"))));
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-port-forward", List.of("x:80"))));
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-port-forward", List.of("70000:80"))));
        assertFalse(Files.exists(context().machineDir()));
    }

    @Test
    void settingsSurviveMachineJson() throws Exception {
        KvmDriver driver = driver(Map.of("--kvm-port-forward", List.of("18180:8080")));
        ObjectMapper json = new ObjectMapper();
        KvmDriver restored = (KvmDriver) factory.restore(context(), json.valueToTree(driver.settings()), Map.of());
        assertEquals(driver.settings(), restored.settings());
        assertTrue(json.writeValueAsString(driver.settings()).contains("\"SSHPort\""));
    }

    @Test
    void theDomainForwardsSshEngineAndUserPortsToLoopbackOnly() throws Exception {
        KvmDriver driver = driver(Map.of("--kvm-port-forward", List.of("18180:8080"), "--kvm-memory", 1536, "--kvm-cpu-count", 2));
        Files.createDirectories(context().machineDir());
        GuestImage image = new GuestImage(dir.resolve("base.qcow2"), dir.resolve("vmlinuz"), dir.resolve("initrd.img"), "/dev/vda");
        String xml = driver.domainXml(Accel.TCG, image).render(new io.jmachine.templates.Templates());
        KvmSettings s = driver.settings();
        assertTrue(xml.contains("<domain type='qemu'"), xml);
        assertTrue(xml.contains("<name>vm1</name>"), xml);
        assertTrue(xml.contains("<uuid>" + s.uuid() + "</uuid>"), xml);
        assertTrue(xml.contains("<memory unit='MiB'>1536</memory>"), xml);
        assertTrue(xml.contains("<vcpu>2</vcpu>"), xml);
        assertTrue(xml.contains("<kernel>" + dir.resolve("vmlinuz") + "</kernel>"), xml);
        assertTrue(xml.contains("<cmdline>root=/dev/vda rw console=ttyS0"), xml);
        assertTrue(xml.contains("<source file='" + context().machineDir().resolve("disk.qcow2") + "'/>"), xml);
        assertTrue(xml.contains("<source file='" + context().machineDir().resolve("seed.iso") + "'/>\n      <target dev='vdb' bus='virtio'/>\n      <readonly/>"), xml);
        assertTrue(xml.contains("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:" + s.sshPort() + "-:22,hostfwd=tcp:127.0.0.1:"
                + s.enginePort() + "-:2376,hostfwd=tcp:127.0.0.1:18180-:8080'"), xml);
        assertFalse(xml.contains("host-passthrough"), "TCG has no host CPU to pass through");
        Object uid = Files.getAttribute(context().machineDir(), "unix:uid");
        assertTrue(xml.contains("<label>+" + uid + ":+"), xml);
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aUserImageBootsItsOwnBootLoader() throws Exception {
        KvmDriver driver = driver(Map.of());
        Files.createDirectories(context().machineDir());
        String xml = driver.domainXml(Accel.KVM, GuestImage.bootsItself(dir.resolve("cloud.img"))).render(new io.jmachine.templates.Templates());
        assertTrue(xml.contains("<boot dev='hd'/>"), xml);
        assertFalse(xml.contains("<kernel>"), xml);
        assertTrue(xml.contains("<domain type='kvm'") && xml.contains("host-passthrough"), xml);
    }

    @Test
    void preCreateChecksRefuseBadSizesAndNetworks() {
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-memory", 64)).preCreateCheck(Progress.silent()));
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-disk-size", 100)).preCreateCheck(Progress.silent()));
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-network", "default",
                "--kvm-port-forward", List.of("8080:80"))).preCreateCheck(Progress.silent()), "forwards are for user-mode networking");
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-accel", "kvm")).preCreateCheck(Progress.silent()),
                "this test's CPU has no vmx");
    }

    @Test
    void libvirtStatesMapToDockerMachineStates() {
        assertEquals(io.jmachine.drivers.MachineState.RUNNING, LibvirtDomains.stateOf(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_RUNNING));
        assertEquals(io.jmachine.drivers.MachineState.STOPPED, LibvirtDomains.stateOf(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_SHUTOFF));
        assertEquals(io.jmachine.drivers.MachineState.STOPPING, LibvirtDomains.stateOf(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_SHUTDOWN));
        assertEquals(io.jmachine.drivers.MachineState.PAUSED, LibvirtDomains.stateOf(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED));
        assertEquals(io.jmachine.drivers.MachineState.ERROR, LibvirtDomains.stateOf(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_CRASHED));
    }

    @Test
    void onALibvirtNetworkTheVmGetsAFixedMacAndAnInterfaceOnThatNetwork() throws Exception {
        KvmDriver driver = driver(Map.of("--kvm-network", "jm-test-net"));
        String mac = driver.settings().macAddress();
        assertTrue(mac.matches("52:54:00(:[0-9a-f]{2}){3}"), mac);
        assertNotEquals(mac, driver(Map.of("--kvm-network", "jm-test-net")).settings().macAddress());
        assertEquals(null, driver(Map.of()).settings().macAddress(), "user-mode networking needs no MAC of its own");
        Files.createDirectories(context().machineDir());
        String xml = driver.domainXml(Accel.TCG, GuestImage.bootsItself(dir.resolve("cloud.img"))).render(new io.jmachine.templates.Templates());
        assertTrue(xml.contains("<interface type='network'>\n      <source network='jm-test-net'/>\n      <mac address='" + mac + "'/>"), xml);
        assertFalse(xml.contains("hostfwd"), xml);
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void onALibvirtNetworkSshAndTheEngineAreReachedAtTheLeasedAddressWhichStartReReads() throws Exception {
        KvmDriver driver = driver(Map.of("--kvm-network", "jm-test-net"));
        assertThrows(io.jmachine.drivers.DriverException.class, driver::ipAddress, "no lease before create");
        Files.createDirectories(context().machineDir());
        SshHostKey.generate(context().machineDir(), "test");
        leases.put(driver.settings().macAddress(), new GuestAddresses.Lease("10.213.77.50", "2030-01-01 10:00:00"));
        driver.readAddress(java.util.Optional.empty(), Progress.silent());
        assertEquals("10.213.77.50", driver.ipAddress());
        assertEquals("tcp://10.213.77.50:2376", driver.engineUrl().toString());
        assertEquals(List.of("10.213.77.50"), driver.engineAddresses());
        assertEquals(new io.jmachine.drivers.SshEndpoint("10.213.77.50", 22, "docker", context().sshKey()), driver.ssh().orElseThrow());
        assertTrue(Files.readString(context().knownHosts()).startsWith("10.213.77.50 ssh-ed25519 "), "the host key is pinned for the address");

        leases.put(driver.settings().macAddress(), new GuestAddresses.Lease("10.213.77.51", "2030-01-01 11:00:00"));
        driver.readAddress(java.util.Optional.of(new GuestAddresses.Lease("10.213.77.50", "2030-01-01 10:00:00")), Progress.silent());
        assertEquals("10.213.77.51", driver.settings().ipAddress(), "a new lease after a restart is taken");
        assertTrue(Files.readString(context().knownHosts()).startsWith("10.213.77.51 ssh-ed25519 "));
        KvmDriver restored = (KvmDriver) factory.restore(context(), new ObjectMapper().valueToTree(driver.settings()), Map.of());
        assertEquals("10.213.77.51", restored.ipAddress(), "the address survives machine.json");
    }

    @Test
    void leasesAreReadFromVirshTables() {
        String leasesTable = """
                 Expiry Time           MAC address         Protocol   IP address          Hostname   Client ID or DUID
                -----------------------------------------------------------------------------------------------------------
                 2030-01-01 10:00:00   52:54:00:aa:bb:cc   ipv4       10.213.77.50/24     vm1        ff:00
                 2030-01-01 11:00:00   52:54:00:AA:BB:CC   ipv4       10.213.77.61/24     vm1        ff:00
                 2030-01-01 12:00:00   52:54:00:11:22:33   ipv4       10.213.77.70/24     vm2        ff:00
                """;
        assertEquals(java.util.Optional.of(new GuestAddresses.Lease("10.213.77.61", "2030-01-01 11:00:00")),
                GuestAddresses.newestLease(leasesTable, "52:54:00:aa:bb:cc"));
        assertEquals(java.util.Optional.empty(), GuestAddresses.newestLease(leasesTable, "52:54:00:99:99:99"));
        String arpTable = """
                 Name       MAC address          Protocol     Address
                -------------------------------------------------------------------------------
                 vnet0      52:54:00:aa:bb:cc    ipv4         192.168.1.50/0
                """;
        assertEquals(java.util.Optional.of("192.168.1.50"), GuestAddresses.firstInterfaceAddress(arpTable, "52:54:00:aa:bb:cc"));
    }

    @Test
    void anImageUrlIsKeptAsGivenAndItsChecksumIsCheckedBeforeAnythingIsMade() {
        KvmDriver driver = driver(Map.of("--kvm-image", "https://example.invalid/cloud.qcow2",
                "--kvm-image-checksum", "sha256:" + "a".repeat(64)));
        assertEquals("https://example.invalid/cloud.qcow2", driver.settings().image());
        assertEquals("sha256:" + "a".repeat(64), driver.settings().imageChecksum());
        PreCreateCheckException badChecksum = assertThrows(PreCreateCheckException.class, () -> driver(Map.of(
                "--kvm-image", "https://example.invalid/cloud.qcow2", "--kvm-image-checksum", "md5:abc")).preCreateCheck(Progress.silent()));
        assertTrue(badChecksum.getMessage().contains("sha256sum"), badChecksum.getMessage());
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-image-checksum", "sha256:" + "a".repeat(64))).preCreateCheck(Progress.silent()),
                "a checksum without an image");
        PreCreateCheckException missing = assertThrows(PreCreateCheckException.class,
                () -> driver(Map.of("--kvm-image", dir.resolve("nope.qcow2").toString())).preCreateCheck(Progress.silent()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertFalse(Files.exists(context().machineDir()));
    }
}
