package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import io.jmachine.cli.testing.Virsh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kvm driver on a libvirt network (--kvm-network NAME) with a real VM (TCG): the test makes its own isolated network
 * (no route out; DHCP on 10.213.77.0/24), and the VM is reached at its leased address for SSH, the engine over mutual TLS
 * (the certificate covers that address), `ip`, `url` and `env`, across a stop and start. Runs only with
 * {@code -Djmachine.kvm.e2e=true}; the network and the machine are removed after.
 */
class KvmNetworkIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final String NETWORK = "jm-test-net";
    private static final String SUBNET = "10.213.77";
    private static final String NAME = "jmit-net-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static Result jmachine(String... args) {
        return new TestCli(dir).jmachine(args);
    }

    private static Result docker(Map<String, String> env, String... args) throws Exception {
        return new TestCli(dir).docker(env, args);
    }

    private static boolean enabled() {
        return Boolean.getBoolean("jmachine.kvm.e2e");
    }

    @BeforeAll
    static void makeTheNetwork() throws Exception {
        if (enabled()) {
            Virsh.removeNetwork(NETWORK);
            Virsh.createIsolatedNetwork(NETWORK, "jmtest0", SUBNET);
        }
    }

    @AfterAll
    static void removeTheMachineAndTheNetwork() {
        if (dir != null && enabled()) {
            jmachine("rm", "-f", "-y", NAME);
            Virsh.removeNetwork(NETWORK);
        }
    }

    @Test
    void aMissingNetworkIsRefusedBeforeAnythingIsMade() {
        assumeTrue(enabled(), "needs libvirtd: runs with -Djmachine.kvm.e2e=true");
        Result create = jmachine("create", "-d", "kvm", "--kvm-network", "jm-no-such-net", "--kvm-accel", "tcg", NAME + "-x");
        assertEquals(3, create.code(), create.err());
        assertTrue(create.err().contains("no network jm-no-such-net") && create.err().contains("net-list"), create.err());
        assertFalse(Files.exists(dir.resolve("store/machines/" + NAME + "-x")));
    }

    @Test
    void aVmOnALibvirtNetworkIsReachedAtItsLeasedAddress() throws Exception {
        assumeTrue(enabled(), "the kvm end-to-end tests run only with -Djmachine.kvm.e2e=true");
        Result create = jmachine("create", "-d", "kvm", "--kvm-accel", "tcg", "--kvm-network", NETWORK,
                "--engine-bundle", BUNDLE.toString(), NAME);
        assertEquals(0, create.code(), create.err());

        String ip = jmachine("ip", NAME).out().strip();
        assertTrue(ip.startsWith(SUBNET + "."), "the address comes from the network's DHCP range: " + ip);
        assertEquals("tcp://" + ip + ":2376", jmachine("url", NAME).out().strip());
        String sans = jmachine("inspect", "-f", "{{.HostOptions.AuthOptions.ServerCertSANs}}", NAME).out();
        assertTrue(sans.contains(ip), "the server certificate covers the address: " + sans);
        assertTrue(Files.readString(dir.resolve("store/machines/" + NAME + "/known_hosts")).startsWith(ip + " ssh-ed25519 "));

        Map<String, String> env = env();
        assertEquals("tcp://" + ip + ":2376", env.get("DOCKER_HOST"));
        Result info = docker(env, "info", "--format", "{{.OSType}} {{.Name}}");
        assertEquals(0, info.code(), info.err());
        assertEquals("linux " + NAME, info.out().strip());

        assertEquals(0, jmachine("stop", NAME).code());
        Result start = jmachine("start", NAME);
        assertEquals(0, start.code(), start.err());
        assertTrue(jmachine("ip", NAME).out().strip().startsWith(SUBNET + "."), "start re-read the lease");
        // start returns once the VM has its lease; the engine comes up a little later in its boot
        Result again = docker(env(), "info", "--format", "{{.Name}}");
        for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3); again.code() != 0 && System.nanoTime() < deadline; ) {
            Thread.sleep(3000);
            again = docker(env(), "info", "--format", "{{.Name}}");
        }
        assertEquals(0, again.code(), again.err());

        assertEquals(0, jmachine("rm", "-y", NAME).code());
        assertFalse(Virsh.domains().contains(NAME));
        assertFalse(Files.exists(dir.resolve("store/machines/" + NAME)));
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^export (\\w+)=\"(.*)\"$").matcher(jmachine("env", NAME).out());
        while (matcher.find()) {
            env.put(matcher.group(1), matcher.group(2));
        }
        return env;
    }
}
