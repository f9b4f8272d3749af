package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import io.jmachine.cli.testing.PrivateSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kvm driver against a libvirtd reached over qemu+ssh://, as on another host: this host's own libvirtd through a
 * private sshd on loopback (so the forward address is 127.0.0.1), with a storage pool of the test's own that the driver
 * makes, so that the base image is uploaded through the stream as to a fresh host. Its pre-create checks run always
 * (no VM); the machine itself only with {@code -Djmachine.kvm.e2e=true}, under the VM lock.
 */
class KvmRemoteMachineIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final String NAME = "jmit-kvmssh-" + ProcessHandle.current().pid();
    private static final String POOL = "jmit-remote-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;
    private static PrivateSshd sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "needs openssh-server");
        sshd = PrivateSshd.start(dir.resolve("sshd"));
    }

    private static String uri() {
        return "qemu+ssh://root@127.0.0.1:" + sshd.port() + "/system?keyfile=" + sshd.clientKey() + "&no_verify=1";
    }

    private static Result jmachine(String... args) {
        return new TestCli(dir).jmachine(args);
    }

    private static Result run(String... command) throws Exception {
        return new TestCli(dir).run(Map.of(), command);
    }

    @AfterAll
    static void removeWhateverIsLeft() throws Exception {
        if (sshd == null) {
            return;
        }
        if (Boolean.getBoolean("jmachine.kvm.e2e")) {
            jmachine("rm", "-f", "-y", NAME);
            // the pool and the base image uploaded into it are the test's own
            Result volumes = run("virsh", "-q", "-c", "qemu:///system", "vol-list", "--pool", POOL);
            for (String line : volumes.out().split("\n")) {
                if (!line.isBlank()) {
                    run("virsh", "-q", "-c", "qemu:///system", "vol-delete", "--pool", POOL, line.strip().split("\\s+")[0]);
                }
            }
            run("virsh", "-q", "-c", "qemu:///system", "pool-destroy", POOL);
            run("virsh", "-q", "-c", "qemu:///system", "pool-delete", POOL);
            run("virsh", "-q", "-c", "qemu:///system", "pool-undefine", POOL);
        }
        sshd.close();
    }

    @Test
    void aLibvirtdThatDoesNotAnswerIsOneLineNamingTheFixAndExit3() throws Exception {
        int nobody = PrivateSshd.freePort();
        Result create = jmachine("create", "-d", "kvm", "--kvm-uri", "qemu+ssh://root@127.0.0.1:" + nobody + "/system?keyfile="
                + sshd.clientKey() + "&no_verify=1", "--engine-bundle", BUNDLE.toString(), NAME + "-x");
        assertEquals(3, create.code(), create.err());
        String line = create.err().lines().filter(l -> l.contains("unreachable")).findFirst().orElse("");
        assertTrue(line.contains("libvirtd at qemu+ssh://root@127.0.0.1:" + nobody) && line.contains("virsh -c"), create.err());
        assertFalse(Files.exists(dir.resolve("store/machines/" + NAME + "-x")), "nothing is left of it");
    }

    @Test
    void aPoolThatCannotBeMadeIsOneLineNamingTheFixAndExit3() throws Exception {
        Result create = jmachine("create", "-d", "kvm", "--kvm-uri", uri(), "--kvm-storage-pool", "no/such", "--engine-bundle",
                BUNDLE.toString(), NAME + "-y");
        assertEquals(3, create.code(), create.err());
        assertTrue(create.err().contains("the storage pool no/such at " + uri() + " is missing or inactive and could not be made"), create.err());
        assertTrue(create.err().contains("pool-define-as no/such dir"), create.err());
        assertFalse(Files.exists(dir.resolve("store/machines/" + NAME + "-y")));
    }

    @Test
    void aMachineOnALibvirtReachedOverSshIsReachedAtItsForwardAddressAndItsDisksAreVolumesThere() throws Exception {
        assumeTrue(Boolean.getBoolean("jmachine.kvm.e2e"), "the kvm end-to-end test runs only with -Djmachine.kvm.e2e=true");
        Result create = jmachine("create", "-d", "kvm", "--kvm-uri", uri(), "--kvm-storage-pool", POOL, "--kvm-accel", "tcg",
                "--kvm-memory", "1024", "--engine-bundle", BUNDLE.toString(), NAME);
        System.out.println(create.err());
        assertEquals(0, create.code(), create.err());
        assertTrue(create.err().contains("made the storage pool " + POOL), create.err());
        assertTrue(create.err().contains("uploaded the base image"), "a fresh pool gets the base through the stream: " + create.err());

        String url = jmachine("url", NAME).out().strip();
        assertTrue(url.startsWith("tcp://127.0.0.1:"), url);
        assertEquals("127.0.0.1", jmachine("ip", NAME).out().strip());
        Map<String, String> env = TestCli.exports(jmachine("env", NAME).out());
        Result info = new TestCli(dir).docker(env, "info", "--format", "{{.Name}}");
        assertEquals(0, info.code(), info.err());
        assertEquals(NAME, info.out().strip());

        Result volumes = run("virsh", "-q", "-c", uri(), "vol-list", "--pool", POOL);
        List<String> names = Arrays.stream(volumes.out().split("\n")).map(l -> l.strip().split("\\s+")[0]).toList();
        assertTrue(names.containsAll(List.of("jmachine-" + NAME + "-disk.qcow2", "jmachine-" + NAME + "-seed.iso")), volumes.out());
        Result disk = run("virsh", "-q", "-c", uri(), "domblklist", NAME);
        assertTrue(disk.out().contains("/var/lib/libvirt/images/" + POOL + "/jmachine-" + NAME + "-disk.qcow2"), disk.out());

        assertEquals(0, jmachine("rm", "-y", NAME).code());
        Result after = run("virsh", "-q", "-c", uri(), "vol-list", "--pool", POOL);
        assertFalse(after.out().contains(NAME), "the machine's volumes are gone: " + after.out());
        assertTrue(after.out().contains("jmachine-image-"), "the shared base stays for the next create: " + after.out());
        Result domains = run("virsh", "-c", uri(), "list", "--all", "--name");
        assertFalse(List.of(domains.out().split("\\s+")).contains(NAME), domains.out());
    }
}
