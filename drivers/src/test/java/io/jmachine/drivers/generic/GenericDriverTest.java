package io.jmachine.drivers.generic;

import io.jmachine.drivers.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.SshEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenericDriverTest {

    @TempDir
    Path dir;

    private final GenericDriverFactory factory = new GenericDriverFactory();

    private MachineContext context() {
        return new MachineContext("g1", dir.resolve("store/machines/g1"), dir.resolve("store"));
    }

    private Driver driver(Map<String, Object> flags) {
        return factory.newDriver(context(), new DriverOptions(factory.flags(), flags));
    }

    private Path userKey() throws Exception {
        Path key = dir.resolve("user_key");
        Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("user_key.pub"), "ssh-ed25519 AAAA user");
        return key;
    }

    @Test
    void defaultsAreDockerMachinesAndSettingsUseItsFieldNames() throws Exception {
        Driver driver = driver(Map.of("--generic-ip-address", "10.1.2.3", "--generic-ssh-key", userKey().toString()));
        assertEquals(URI.create("tcp://10.1.2.3:2376"), driver.engineUrl());
        assertEquals(new SshEndpoint("10.1.2.3", 22, "root", context().sshKey()), driver.ssh().orElseThrow());
        assertFalse(driver.ownsHost(), "rm must leave an adopted host alone");

        JsonNode stored = new ObjectMapper().valueToTree(driver.settings());
        assertEquals("10.1.2.3", stored.get("IPAddress").asText());
        assertEquals("root", stored.get("SSHUser").asText());
        assertEquals(22, stored.get("SSHPort").asInt());
        assertEquals(context().sshKey().toString(), stored.get("SSHKeyPath").asText());
        assertEquals(2376, stored.get("EnginePort").asInt());

        Driver restored = factory.restore(context(), stored, Map.of());
        assertEquals(driver.engineUrl(), restored.engineUrl());
        assertEquals(driver.ssh(), restored.ssh());
    }

    @Test
    void createCopiesTheUsersKeyReadableByTheOwnerOnly() throws Exception {
        Path key = userKey();
        Driver driver = driver(Map.of("--generic-ip-address", "10.1.2.3", "--generic-ssh-key", key.toString()));
        driver.create(Progress.silent());
        assertEquals(Files.readString(key), Files.readString(context().sshKey()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(context().sshKey())));
        assertTrue(Files.exists(context().sshPublicKey()));
        driver.remove();
        assertTrue(Files.exists(key), "remove leaves the user's key alone");
    }

    @Test
    void preCreateCheckNamesTheMissingOrWrongFlag() throws Exception {
        var noIp = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(Progress.silent()));
        assertTrue(noIp.getMessage().contains("--generic-ip-address"), noIp.getMessage());
        var noKey = assertThrows(PreCreateCheckException.class,
                () -> driver(Map.of("--generic-ip-address", "127.0.0.1")).preCreateCheck(Progress.silent()));
        assertTrue(noKey.getMessage().contains("--generic-ssh-key"), noKey.getMessage());
        var badPort = assertThrows(PreCreateCheckException.class, () -> driver(Map.of("--generic-ip-address", "127.0.0.1",
                "--generic-ssh-key", userKey().toString(), "--generic-ssh-port", 70000)).preCreateCheck(Progress.silent()));
        assertTrue(badPort.getMessage().contains("--generic-ssh-port"), badPort.getMessage());
    }

    @Test
    void stateFollowsWhetherSshAnswers() throws Exception {
        Map<String, Object> flags = new HashMap<>(Map.of("--generic-ip-address", "127.0.0.1", "--generic-ssh-key", userKey().toString()));
        int port;
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
            flags.put("--generic-ssh-port", port);
            Driver driver = driver(flags);
            driver.preCreateCheck(Progress.silent());
            assertEquals(MachineState.RUNNING, driver.state());
        }
        Driver driver = driver(flags);
        assertEquals(MachineState.STOPPED, driver.state());
        var unreachable = assertThrows(PreCreateCheckException.class, () -> driver.preCreateCheck(Progress.silent()));
        assertTrue(unreachable.getMessage().contains("127.0.0.1:" + port), unreachable.getMessage());
    }

    @Test
    void lifecycleVerbsLeaveTheHostAlone() throws Exception {
        Driver driver = driver(Map.of("--generic-ip-address", "10.1.2.3", "--generic-ssh-key", userKey().toString()));
        var e = assertThrows(DriverException.class, () -> driver.stop(Progress.silent()));
        assertTrue(e.getMessage().contains("provision g1"), e.getMessage());
        assertThrows(DriverException.class, driver::kill);
        assertThrows(DriverException.class, () -> driver.start(Progress.silent()));
    }
}
