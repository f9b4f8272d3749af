package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import io.jmachine.drivers.cloud.ec2.fake.FakeEc2;
import io.jmachine.drivers.cloud.ec2.fake.LibvirtHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The amazonec2 driver end to end, through jclouds, against the loopback EC2 endpoint, which boots a real VM (libvirt,
 * TCG) from the cached Debian image with the user-data the driver sent: create, env, docker run, stop, start, rm, and
 * nothing left behind (no domain, disk, key pair or security group). Runs only with {@code -Djmachine.kvm.e2e=true}.
 */
class Ec2MachineIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final String NAME = "jmit-ec2-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static FakeEc2 ec2;

    private static Result jmachine(String... args) {
        return new TestCli(dir).jmachine(args);
    }

    @AfterAll
    static void removeWhateverIsLeft() {
        if (ec2 != null) {
            jmachine("rm", "-f", "-y", NAME);
            ec2.close();
        }
    }

    @Test
    void createsAnInstanceThroughTheEc2ApiRunsAContainerStopsStartsAndRemovesItLeavingNothing() throws Exception {
        assumeTrue(Boolean.getBoolean("jmachine.kvm.e2e"), "the EC2 end-to-end test boots a VM: it runs only with -Djmachine.kvm.e2e=true");
        Path vms = Files.createDirectories(dir.resolve("vms"));
        ec2 = new FakeEc2(new LibvirtHosts(vms));
        Result create = jmachine("create", "-d", "amazonec2", "--amazonec2-endpoint", ec2.endpoint(),
                "--amazonec2-access-key", FakeEc2.ACCESS_KEY, "--amazonec2-secret-key", FakeEc2.SECRET_KEY,
                "--amazonec2-ami", FakeEc2.AMI, "--engine-bundle", BUNDLE.toString(), NAME);
        assertEquals(0, create.code(), create.err());
        assertFalse(create.err().contains("host key"), "the pinned host key was met at first contact: " + create.err());
        Path machineDir = dir.resolve("store/machines/" + NAME);
        assertFalse(Files.readString(machineDir.resolve("machine.json")).contains(FakeEc2.SECRET_KEY),
                "machine.json keeps no secret");
        String instance = ec2.liveInstances().get(0);
        assertTrue(LibvirtHosts.domainExists(instance));
        assertTrue(jmachine("inspect", NAME).out().contains("not stored here"), "inspect says where the credentials come from");

        Map<String, String> env = TestCli.exports(jmachine("env", NAME).out());
        Path busybox = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), busybox.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Result tar = new TestCli(dir).run(Map.of(), "tar", "-C", dir.resolve("rootfs").toString(), "-cf", dir.resolve("busybox.tar").toString(), ".");
        assertEquals(0, tar.code(), tar.err());
        TestCli cli = new TestCli(dir);
        assertEquals(0, cli.docker(env, "import", dir.resolve("busybox.tar").toString(), "localhost/ec2it/busybox:1").code());
        Result hello = cli.docker(env, "run", "--rm", "localhost/ec2it/busybox:1", "/bin/busybox", "echo", "hello from ec2");
        assertEquals(0, hello.code(), hello.err());
        assertEquals("hello from ec2", hello.out().strip());

        assertEquals(0, jmachine("stop", NAME).code());
        assertEquals("Stopped", jmachine("status", NAME).out().strip());
        Result start = jmachine("start", NAME);
        assertEquals(0, start.code(), start.err());
        assertEquals("Running", jmachine("status", NAME).out().strip());
        assertEquals(0, cli.docker(TestCli.exports(jmachine("env", NAME).out()), "version").code());

        Result rm = jmachine("rm", "-y", NAME);
        assertEquals(0, rm.code(), rm.err());
        assertTrue(ec2.liveInstances().isEmpty());
        assertFalse(LibvirtHosts.domainExists(instance));
        assertEquals(Map.of(), ec2.keyPairs());
        assertEquals(Map.of(), ec2.groupNames());
        try (var left = Files.list(vms)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith("-console.log")).toList());
        }
        assertFalse(Files.exists(machineDir));
    }
}
