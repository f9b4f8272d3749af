package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kvm driver end to end: a real VM through libvirt (TCG), provisioned over SSH, reached by the docker CLI, stopped,
 * started and removed. Minutes long (and the first run builds the default image), so it runs only with
 * {@code -Djmachine.kvm.e2e=true}; it needs libvirtd answering at qemu:///system.
 */
class KvmMachineIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final String NAME = "jmit-kvm-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static Result jmachine(String... args) {
        return new TestCli(dir).jmachine(args);
    }

    private static Result run(Map<String, String> env, String... command) throws Exception {
        return new TestCli(dir).run(env, command);
    }

    @AfterAll
    static void removeWhateverIsLeft() {
        if (dir != null && Boolean.getBoolean("jmachine.kvm.e2e")) {
            jmachine("rm", "-f", "-y", NAME);
        }
    }

    @Test
    void createsAVmRunsTheEngineInItStopsStartsAndRemovesIt() throws Exception {
        assumeTrue(Boolean.getBoolean("jmachine.kvm.e2e"), "the kvm end-to-end test runs only with -Djmachine.kvm.e2e=true");
        Result create = jmachine("create", "-d", "kvm", "--kvm-accel", "tcg", "--kvm-memory", "1024",
                "--engine-bundle", BUNDLE.toString(), NAME);
        System.out.println(create.err()); // its phase lines, with the upload's rate when the base is new to the pool
        assertEquals(0, create.code(), create.err());
        Path machineDir = dir.resolve("store/machines/" + NAME);
        assertTrue(Files.readString(machineDir.resolve("known_hosts")).contains("ssh-ed25519"), "the host key was pinned before first contact");
        assertFalse(create.err().contains("host key"), create.err());

        Map<String, String> env = new HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^export (\\w+)=\"(.*)\"$").matcher(jmachine("env", NAME).out());
        while (matcher.find()) {
            env.put(matcher.group(1), matcher.group(2));
        }
        Result info = run(env, "docker", "info", "--format", "{{.OSType}} {{.Name}} {{.KernelVersion}}");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().startsWith("linux " + NAME + " "), info.out());
        assertTrue(info.out().contains("cloud-amd64"), "the engine runs on the guest's kernel: " + info.out());

        // jmachine ssh hands the terminal to OpenSSH, so its output is not captured here: the same call made directly
        String sshPort = jmachine("inspect", "-f", "{{.Driver.SSHPort}}", NAME).out().strip();
        Result ssh = run(Map.of(), "ssh", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + machineDir.resolve("known_hosts"), "-i", machineDir.resolve("id_machine").toString(),
                "-p", sshPort, "docker@127.0.0.1", "df", "--output=size", "-BG", "/");
        assertTrue(ssh.out().matches("(?s).*\\b(1[5-9]|2[0-9])G.*"), "the root grew to --kvm-disk-size: " + ssh.out() + ssh.err());

        assertEquals(0, jmachine("stop", NAME).code());
        assertEquals("Stopped", jmachine("status", NAME).out().strip());
        assertEquals(0, jmachine("start", NAME).code());
        assertEquals("Running", jmachine("status", NAME).out().strip());

        assertEquals(0, jmachine("rm", "-y", NAME).code());
        Result domains = run(Map.of(), "virsh", "-c", "qemu:///system", "list", "--all", "--name");
        assertFalse(List.of(domains.out().split("\\s+")).contains(NAME), domains.out());
        assertFalse(Files.exists(machineDir));
    }
}
