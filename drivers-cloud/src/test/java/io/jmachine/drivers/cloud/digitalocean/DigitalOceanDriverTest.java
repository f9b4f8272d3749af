package io.jmachine.drivers.cloud.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The digitalocean driver against DigitalOcean's API on loopback: what it sends, and what it tells the user. */
class DigitalOceanDriverTest {

    @TempDir
    Path dir;

    private FakeDigitalOcean api;
    private MachineContext context;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        api = new FakeDigitalOcean();
        context = new MachineContext("droppy", dir.resolve("machines/droppy"), dir);
        Files.createDirectories(context.machineDir());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", context.sshKey().toString())
                .redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(0, keygen.waitFor());
        env.put("DIGITALOCEAN_ACCESS_TOKEN", FakeDigitalOcean.TOKEN);
        env.put("JMACHINE_CLOUD_STATE_TIMEOUT", "20");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Driver driver(Map<String, Object> flags) {
        DigitalOceanDriverFactory factory = new DigitalOceanDriverFactory(env);
        Map<String, Object> given = new HashMap<>(Map.of(DigitalOceanDriverFactory.API_URL, api.apiUrl()));
        given.putAll(flags);
        return factory.newDriver(context, new DriverOptions(factory.flags(), given));
    }

    @Test
    void createImportsTheMachinesKeyBootsWithThePinnedHostKeyAndFirewallsAllButSshAndTheEngine() throws Exception {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        driver.create(new RecordingProgress());

        JsonNode key = api.requests("POST", "/account/keys").get(0).body();
        assertEquals(Files.readString(context.sshPublicKey()).strip(), key.path("public_key").asText());
        JsonNode droplet = api.requests("POST", "/droplets").get(0).body();
        assertEquals("nyc3", droplet.path("region").asText());
        assertEquals("debian-12-x64", droplet.path("image").asText());
        assertEquals(List.of(api.keys.keySet().iterator().next()), List.of(droplet.path("ssh_keys").get(0).asInt()));
        String hostKey = Files.readString(context.machineDir().resolve("ssh_host_ed25519_key.pub")).strip();
        assertTrue(droplet.path("user_data").asText().contains(hostKey));
        JsonNode firewall = api.requests("POST", "/firewalls").get(0).body();
        assertEquals(List.of("22", "2376"), firewall.path("inbound_rules").findValuesAsText("ports"));
        assertEquals(droplet.path("name").asText(), firewall.path("name").asText());
        assertTrue(Files.readString(context.knownHosts()).startsWith("203.0.113.10 ssh-ed25519 "));
        assertEquals("tcp://203.0.113.10:2376", driver.engineUrl().toString());
        assertFalse(new ObjectMapper().valueToTree(driver.settings()).toString().contains(FakeDigitalOcean.TOKEN));

        driver.stop(new RecordingProgress());
        assertEquals(MachineState.STOPPED, driver.state());
        driver.start(new RecordingProgress());
        assertEquals(MachineState.RUNNING, driver.state());
        driver.remove();
        assertTrue(api.droplets.isEmpty() && api.keys.isEmpty() && api.firewalls.isEmpty());
    }

    @Test
    void aMissingTokenFailsThePreCreateCheckNamingTheVariable() {
        env.remove("DIGITALOCEAN_ACCESS_TOKEN");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("DIGITALOCEAN_ACCESS_TOKEN"), e.getMessage());
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void aWrongTokenIsReportedAsRefused() {
        env.put("DIGITALOCEAN_ACCESS_TOKEN", "wrong");
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()))
                .getMessage().contains("refused the token"));
    }

    @Test
    void anUnknownRegionOrSizeFailsThePreCreateCheck() {
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(DigitalOceanDriverFactory.REGION, "mars1"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("mars1"));
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(DigitalOceanDriverFactory.SIZE, "huge"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("huge"));
    }

    @Test
    void anImageNotFoundSaysWhatDigitalOceanSaidAndRmRemovesTheKey() {
        Driver driver = driver(Map.of(DigitalOceanDriverFactory.IMAGE, "nope"));
        driver.preCreateCheck(new RecordingProgress());
        api.answerOnce("POST /droplets", 422, "{\"id\":\"unprocessable_entity\",\"message\":\"You specified an invalid image for Droplet creation.\"}");
        DriverException e = assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertTrue(e.getMessage().contains("invalid image"), e.getMessage());
        driver.remove();
        assertTrue(api.keys.isEmpty());
    }

    @Test
    void aServerErrorOnceIsRetried() {
        api.answerOnce("GET /regions", 500, "{\"id\":\"server_error\",\"message\":\"try again\"}");
        driver(Map.of()).preCreateCheck(new RecordingProgress());
        assertEquals(2, api.requests("GET", "/regions").size());
    }
}
