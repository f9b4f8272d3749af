package io.jmachine.drivers.kvm;

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

    private final KvmDriverFactory factory = new KvmDriverFactory(new ImageCache(Path.of("/nonexistent"), Path.of("/nonexistent")),
            new AccelChoice("flags : fpu\n", false));

    private MachineContext context() {
        return new MachineContext("vm1", dir.resolve("store/machines/vm1"), dir.resolve("store"));
    }

    private KvmDriver driver(Map<String, Object> flags) {
        return (KvmDriver) factory.newDriver(context(), new DriverOptions(factory.flags(), flags));
    }

    @Test
    void flagsHaveTheirDefaults() {
        KvmDriver.Settings settings = driver(Map.of()).settings();
        assertEquals(1024, settings.memory());
        assertEquals(1, settings.cpu());
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
        KvmDriver.Settings settings = driver.settings();
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
        KvmDriver.Settings s = driver.settings();
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
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-memory", 64)).preCreateCheck());
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-disk-size", 100)).preCreateCheck());
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-network", "default")).preCreateCheck());
        assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--kvm-accel", "kvm")).preCreateCheck(),
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
}
