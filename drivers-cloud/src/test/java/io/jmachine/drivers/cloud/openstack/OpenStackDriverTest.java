package io.jmachine.drivers.cloud.openstack;

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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The openstack driver against Keystone v3 and Nova on loopback: what it sends, and what it tells the user. */
class OpenStackDriverTest {

    @TempDir
    Path dir;

    private FakeNova nova;
    private MachineContext context;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        nova = new FakeNova();
        context = new MachineContext("stacky", dir.resolve("machines/stacky"), dir);
        Files.createDirectories(context.machineDir());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", context.sshKey().toString())
                .redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(0, keygen.waitFor());
        env.put("OS_PASSWORD", FakeNova.PASSWORD);
        env.put("JMACHINE_CLOUD_STATE_TIMEOUT", "20");
    }

    @AfterEach
    void stop() {
        nova.close();
    }

    private Driver driver(Map<String, Object> flags) {
        OpenStackDriverFactory factory = new OpenStackDriverFactory(env);
        Map<String, Object> given = new HashMap<>(Map.of(OpenStackDriverFactory.AUTH_URL, nova.authUrl(), OpenStackDriverFactory.USERNAME,
                FakeNova.USER, OpenStackDriverFactory.TENANT_NAME, FakeNova.PROJECT, OpenStackDriverFactory.FLAVOR_NAME, "m1.small",
                OpenStackDriverFactory.IMAGE_NAME, "debian-12", OpenStackDriverFactory.NET_ID, "net-1"));
        given.putAll(flags);
        return factory.newDriver(context, new DriverOptions(factory.flags(), given));
    }

    @Test
    void createSendsTheMachinesKeyAGroupForSshAndTheEngineAndUserDataWithThePinnedHostKey() throws Exception {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        driver.create(new RecordingProgress());

        String auth = nova.requests("POST", "/v3/auth/tokens").get(0).body();
        assertTrue(auth.contains("\"project\"") && auth.contains(FakeNova.PROJECT), auth);
        String machineKey = Files.readString(context.sshPublicKey()).strip();
        assertEquals(machineKey, nova.keyPairs.values().iterator().next());
        assertEquals(2, nova.rules.size());
        assertTrue(nova.rules.get(0).contains("\"from_port\":\"22\"") && nova.rules.get(1).contains("\"from_port\":\"2376\""), nova.rules.toString());
        String create = nova.requests("POST", "/servers").get(0).body();
        String userData = new String(java.util.Base64.getDecoder().decode(create.replaceAll("(?s).*\"user_data\"\\s*:\\s*\"([^\"]*)\".*", "$1")));
        String hostKey = Files.readString(context.machineDir().resolve("ssh_host_ed25519_key.pub")).strip();
        assertTrue(userData.contains(hostKey), userData);
        assertTrue(create.contains("\"jmachine:id\""), create);
        assertTrue(create.contains("\"uuid\":\"net-1\""), create);
        assertTrue(Files.readString(context.knownHosts()).startsWith("192.0.2.10 ssh-ed25519 "));
        assertEquals("tcp://192.0.2.10:2376", driver.engineUrl().toString());
        assertFalse(new ObjectMapper().valueToTree(driver.settings()).toString().contains(FakeNova.PASSWORD));

        driver.stop(new RecordingProgress());
        assertEquals(MachineState.STOPPED, driver.state());
        assertTrue(nova.requests("POST", "/action").get(0).body().contains("os-stop"));
        driver.start(new RecordingProgress());
        assertEquals(MachineState.RUNNING, driver.state());
        driver.remove();
        assertTrue(nova.servers.isEmpty() && nova.keyPairs.isEmpty() && nova.groups.isEmpty());
    }

    @Test
    void aFloatingIpFromThePoolIsTheMachinesAddressAndRmReleasesIt() throws Exception {
        Driver driver = driver(Map.of(OpenStackDriverFactory.FLOATINGIP_POOL, "public"));
        driver.preCreateCheck(new RecordingProgress());
        driver.create(new RecordingProgress());
        assertTrue(nova.requests("POST", "/os-floating-ips").get(0).body().contains("\"public\""));
        assertEquals(Map.of("fip-1", "srv-1"), Map.copyOf(nova.floatingIps));
        assertEquals("tcp://198.51.100.5:2376", driver.engineUrl().toString());
        assertTrue(Files.readString(context.knownHosts()).startsWith("198.51.100.5 ssh-ed25519 "));
        driver.remove();
        assertTrue(nova.floatingIps.isEmpty() && nova.servers.isEmpty());
    }

    @Test
    void missingSettingsFailThePreCreateCheckNamingTheVariables() {
        env.remove("OS_PASSWORD");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class,
                () -> driver(Map.of(OpenStackDriverFactory.AUTH_URL, "")).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("OS_AUTH_URL") && e.getMessage().contains("OS_PASSWORD"), e.getMessage());
        assertTrue(nova.requests.isEmpty());
    }

    @Test
    void aWrongPasswordIsReportedAsRefusedCredentials() {
        env.put("OS_PASSWORD", "wrong");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
    }

    @Test
    void anUnknownImageOrFlavorFailsThePreCreateCheck() {
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(OpenStackDriverFactory.IMAGE_NAME, "nope"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("no image nope"));
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(OpenStackDriverFactory.FLAVOR_NAME, "huge"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("no flavor huge"));
    }

    @Test
    void aQuotaErrorSaysWhatNovaSaidAndRmRemovesTheKeyAndGroup() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        nova.answerOnce("POST .*/servers", 403, "{\"forbidden\":{\"message\":\"Quota exceeded for instances: Requested 1, but already used 10 of 10 instances\",\"code\":403}}");
        DriverException e = assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertTrue(e.getMessage().contains("Quota exceeded for instances"), e.getMessage());
        driver.remove();
        assertTrue(nova.keyPairs.isEmpty() && nova.groups.isEmpty());
    }

    @Test
    void aServerErrorOnceIsRetried() {
        nova.answerOnce("GET .*/flavors", 500, "{\"computeFault\":{\"message\":\"try again\",\"code\":500}}");
        driver(Map.of()).preCreateCheck(new RecordingProgress());
        assertEquals(2, nova.requests("GET", "/flavors").size());
    }
}
