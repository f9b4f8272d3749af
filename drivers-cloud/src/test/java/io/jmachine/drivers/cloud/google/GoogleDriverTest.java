package io.jmachine.drivers.cloud.google;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.RecordingProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The google driver against Google's token endpoint and Compute Engine on loopback: what it sends, and what it tells the user. */
class GoogleDriverTest {

    @TempDir
    Path dir;

    private FakeGce gce;
    private MachineContext context;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        gce = new FakeGce();
        context = new MachineContext("gcey", dir.resolve("machines/gcey"), dir);
        Files.createDirectories(context.machineDir());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", context.sshKey().toString())
                .redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(0, keygen.waitFor());
        Path credentials = dir.resolve("sa.json");
        Files.writeString(credentials, gce.credentialsJson());
        env.put("GOOGLE_APPLICATION_CREDENTIALS", credentials.toString());
        env.put("JMACHINE_CLOUD_STATE_TIMEOUT", "20");
    }

    @AfterEach
    void stop() {
        gce.close();
    }

    private Driver driver(Map<String, Object> flags) {
        GoogleDriverFactory factory = new GoogleDriverFactory(env);
        Map<String, Object> given = new HashMap<>(Map.of(GoogleDriverFactory.ENDPOINT, gce.endpoint()));
        given.putAll(flags);
        return factory.newDriver(context, new DriverOptions(factory.flags(), given));
    }

    @Test
    void createMakesAFirewallRuleForSshAndTheEngineAndAnInstanceWithThePinnedHostKeyInItsUserData() throws Exception {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        driver.create(new RecordingProgress());

        JsonNode firewall = gce.requests("POST", "/global/firewalls").get(0).body();
        assertFalse(gce.requests("POST", "/token").isEmpty(), "a token was asked for with a JWT signed by the service account's key");
        JsonNode allowed = firewall.path("allowed");
        assertEquals(1, allowed.size());
        assertEquals("tcp", allowed.get(0).path("IPProtocol").asText());
        assertEquals(List.of("22", "2376"), List.of(allowed.get(0).path("ports").get(0).asText(), allowed.get(0).path("ports").get(1).asText()));
        assertEquals("0.0.0.0/0", firewall.path("sourceRanges").get(0).asText());
        String name = firewall.path("name").asText();
        assertEquals(name, firewall.path("targetTags").get(0).asText());
        JsonNode instance = gce.requests("POST", "/instances").get(0).body();
        assertEquals(name, instance.path("tags").path("items").get(0).asText());
        String userData = "";
        for (JsonNode item : instance.path("metadata").path("items")) {
            if (item.path("key").asText().equals("user-data")) {
                userData = item.path("value").asText();
            }
        }
        assertTrue(userData.contains(Files.readString(context.machineDir().resolve("ssh_host_ed25519_key.pub")).strip()), instance.toString());
        assertTrue(userData.contains(Files.readString(context.sshPublicKey()).strip()));
        assertTrue(Files.readString(context.knownHosts()).startsWith("203.0.113.20 ssh-ed25519 "));
        assertEquals("tcp://203.0.113.20:2376", driver.engineUrl().toString());
        assertFalse(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(driver.settings()).toString().contains("PRIVATE KEY"));

        driver.stop(new RecordingProgress());
        assertEquals(MachineState.STOPPED, driver.state());
        driver.start(new RecordingProgress());
        assertEquals(MachineState.RUNNING, driver.state());
        assertEquals("tcp://203.0.113.21:2376", driver.engineUrl().toString(), "the new ephemeral address");
        assertTrue(Files.readString(context.knownHosts()).startsWith("203.0.113.21 ssh-ed25519 "), "the host key pinned for it");
        driver.remove();
        assertTrue(gce.instances.isEmpty() && gce.firewalls.isEmpty());
    }

    @Test
    void noCredentialsFailThePreCreateCheckNamingTheVariable() {
        env.remove("GOOGLE_APPLICATION_CREDENTIALS");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("GOOGLE_APPLICATION_CREDENTIALS"), e.getMessage());
        assertTrue(gce.requests.isEmpty());
    }

    @Test
    void anUnknownMachineTypeFailsThePreCreateCheck() {
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(GoogleDriverFactory.MACHINE_TYPE, "huge"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("huge"));
    }

    @Test
    void aQuotaErrorOfTheInsertIsReportedAndRmRemovesTheFirewallRule() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        gce.failNextInstanceInsert("QUOTA_EXCEEDED", "Quota 'CPUS' exceeded. Limit: 8.0 in region us-central1.");
        DriverException e = assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertTrue(e.getMessage().contains("QUOTA_EXCEEDED"), e.getMessage());
        driver.remove();
        assertTrue(gce.firewalls.isEmpty());
    }
}
