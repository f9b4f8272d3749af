package io.jmachine.drivers.cloud.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.RecordingProgress;
import io.jmachine.drivers.cloud.ec2.fake.FakeEc2;
import io.jmachine.drivers.cloud.ec2.fake.InstanceHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The amazonec2 driver against the loopback EC2 endpoint with no VMs behind it: what it asks for, and what it says. */
class Ec2DriverTest {

    @TempDir
    Path dir;

    private FakeEc2 ec2;
    private MachineContext context;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        ec2 = new FakeEc2(InstanceHosts.none());
        context = new MachineContext("cloudy", dir.resolve("machines/cloudy"), dir);
        Files.createDirectories(context.machineDir());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", context.sshKey().toString())
                .redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(0, keygen.waitFor());
        env.put("AWS_ACCESS_KEY_ID", FakeEc2.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", FakeEc2.SECRET_KEY);
        env.put("JMACHINE_EC2_STATE_TIMEOUT", "6");
    }

    @AfterEach
    void stop() {
        ec2.close();
    }

    private Driver driver(Map<String, Object> flags) {
        Ec2DriverFactory factory = new Ec2DriverFactory(env, dir.resolve("home"));
        Map<String, Object> given = new HashMap<>(flags);
        given.putIfAbsent(Ec2DriverFactory.ENDPOINT, ec2.endpoint());
        given.putIfAbsent(Ec2DriverFactory.AMI, FakeEc2.AMI);
        return factory.newDriver(context, new DriverOptions(factory.flags(), given));
    }

    @Test
    void createImportsTheMachinesKeyMakesATaggedGroupForSshAndTheEngineAndBootsWithThePinnedHostKey() throws IOException {
        Driver driver = driver(Map.of(Ec2DriverFactory.TAGS, "team,infra"));
        RecordingProgress progress = new RecordingProgress();
        driver.preCreateCheck(progress);
        driver.create(progress);

        String[] machineKey = Files.readString(context.sshPublicKey()).strip().split(" ");
        assertEquals(machineKey[0] + " " + machineKey[1], ec2.keyPairs().values().iterator().next());
        String groupId = ec2.groupNames().keySet().iterator().next();
        assertEquals(List.of(22, 2376), ec2.groupPorts(groupId), ec2.calls().stream()
                .filter(c -> c.action().equals("AuthorizeSecurityGroupIngress")).toList().toString());
        Ec2Settings settings = (Ec2Settings) driver.settings();
        assertEquals(settings.id(), ec2.tagsOf(groupId).get("jmachine:id"));
        String instance = ec2.liveInstances().get(0);
        assertEquals(Map.of("jmachine:id", settings.id(), "jmachine:machine", "cloudy", "Name", "cloudy", "team", "infra"), ec2.tagsOf(instance));
        String hostPublicKey = Files.readString(context.machineDir().resolve("ssh_host_ed25519_key.pub")).strip();
        assertTrue(ec2.userData(instance).contains(hostPublicKey), ec2.userData(instance));
        assertTrue(Files.readString(context.knownHosts()).startsWith("127.0.0.1 ssh-ed25519 "));
        assertEquals("tcp://127.0.0.1:2376", driver.engineUrl().toString());
        assertEquals(MachineState.RUNNING, driver.state());
        FakeEc2.Call run = ec2.calls().stream().filter(c -> c.action().equals("RunInstances")).findFirst().orElseThrow();
        assertEquals(settings.id(), run.params().get("ClientToken"));
        assertEquals("us-east-1a", run.params().get("Placement.AvailabilityZone"));
        assertEquals("16", run.params().get("BlockDeviceMapping.1.Ebs.VolumeSize"));
    }

    @Test
    void machineJsonKeepsWhereTheCredentialsComeFromNotTheKeys() {
        Driver driver = driver(Map.of());
        JsonNode json = new ObjectMapper().valueToTree(driver.settings());
        assertFalse(json.toString().contains(FakeEc2.SECRET_KEY), json.toString());
        assertFalse(json.toString().contains(FakeEc2.ACCESS_KEY), json.toString());
        assertEquals("AWS_SECRET_ACCESS_KEY", json.at("/Credentials/SecretKeyVariable").asText());
        assertTrue(driver.secrets().isEmpty());
    }

    @Test
    void keysGivenAsFlagsGoToTheSecretsFileOnly() {
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        Driver driver = driver(Map.of(Ec2DriverFactory.ACCESS_KEY, FakeEc2.ACCESS_KEY, Ec2DriverFactory.SECRET_KEY, FakeEc2.SECRET_KEY));
        assertEquals(FakeEc2.SECRET_KEY, driver.secrets().get(Ec2DriverFactory.SECRET_KEY));
        assertFalse(new ObjectMapper().valueToTree(driver.settings()).toString().contains(FakeEc2.SECRET_KEY));
        driver.preCreateCheck(new RecordingProgress());
    }

    @Test
    void missingCredentialsFailThePreCreateCheckNamingTheVariables() {
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID") && e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
        assertTrue(ec2.calls().isEmpty());
    }

    @Test
    void theSharedCredentialsFileAndProfileAreRead() throws IOException {
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[default]\naws_access_key_id = nope\naws_secret_access_key = nope\n[test]\naws_access_key_id = "
                + FakeEc2.ACCESS_KEY + "\naws_secret_access_key = " + FakeEc2.SECRET_KEY + "\n");
        env.put("AWS_SHARED_CREDENTIALS_FILE", file.toString());
        env.put("AWS_PROFILE", "test");
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        assertEquals("test", ((Ec2Settings) driver.settings()).credentials().profile());
    }

    @Test
    void wrongCredentialsAreRefusedByTheEndpointSignatureCheck() {
        env.put("AWS_SECRET_ACCESS_KEY", "wrong");
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> driver(Map.of()).preCreateCheck(new RecordingProgress()));
        assertTrue(e.getMessage().contains("credentials"), e.getMessage());
    }

    @Test
    void anUnknownAmiRegionOrZoneFailsThePreCreateCheck() {
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(Ec2DriverFactory.AMI, "ami-nope"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("ami-nope"));
        assertTrue(assertThrows(PreCreateCheckException.class, () -> driver(Map.of(Ec2DriverFactory.ZONE, "z"))
                .preCreateCheck(new RecordingProgress())).getMessage().contains("us-east-1z"));
    }

    @Test
    void anEndpointThatIsDownIsAClearPreCreateFailure() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(printed, true));
        try {
            PreCreateCheckException e = assertThrows(PreCreateCheckException.class,
                    () -> driver(Map.of(Ec2DriverFactory.ENDPOINT, "http://127.0.0.1:" + port)).preCreateCheck(new RecordingProgress()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", printed.toString(), "jclouds printed nothing of its own");
    }

    @Test
    void aQuotaErrorIsReportedAndRmRemovesTheKeyAndGroupMadeBeforeIt() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        ec2.failNext("RunInstances", "InstanceLimitExceeded");
        DriverException e = assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertTrue(e.getMessage().contains("InstanceLimitExceeded"), e.getMessage());
        driver.remove();
        assertTrue(ec2.keyPairs().isEmpty());
        assertTrue(ec2.groupNames().isEmpty());
    }

    @Test
    void rmRemovesAGroupMadeButNotTaggedYetByItsName() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        ec2.failNext("CreateTags", "RequestLimitExceeded");
        assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertEquals(1, ec2.groupNames().size());
        // as machine.json had it before create: no group id
        JsonNode stored = new ObjectMapper().valueToTree(driver.settings());
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored).putNull("SecurityGroupId");
        new Ec2DriverFactory(env, dir).restore(context, stored, Map.of()).remove();
        assertTrue(ec2.groupNames().isEmpty() && ec2.keyPairs().isEmpty());
    }

    @Test
    void anInstanceThatNeverRunsIsAClearErrorAndRmTerminatesIt() {
        ec2.neverRunning();
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        DriverException e = assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        assertTrue(e.getMessage().contains("still pending"), e.getMessage());
        driver.remove();
        assertTrue(ec2.liveInstances().isEmpty());
        assertTrue(ec2.keyPairs().isEmpty() && ec2.groupNames().isEmpty());
    }

    @Test
    void stopStartAndRmMapToTheApiAndRmLeavesNothing() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        driver.create(new RecordingProgress());
        driver.stop(new RecordingProgress());
        assertEquals(MachineState.STOPPED, driver.state());
        driver.start(new RecordingProgress());
        assertEquals(MachineState.RUNNING, driver.state());
        driver.remove();
        assertTrue(ec2.liveInstances().isEmpty());
        assertTrue(ec2.keyPairs().isEmpty());
        assertTrue(ec2.groupNames().isEmpty());
    }

    @Test
    void rmAfterACreateInterruptedAfterRunInstancesFindsTheInstanceByItsTag() {
        Driver driver = driver(Map.of());
        driver.preCreateCheck(new RecordingProgress());
        ec2.neverRunning();
        assertThrows(DriverException.class, () -> driver.create(new RecordingProgress()));
        // as machine.json had it before create: no instance id
        JsonNode stored = new ObjectMapper().valueToTree(driver.settings());
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored).putNull("InstanceId");
        Driver restored = new Ec2DriverFactory(env, dir).restore(context, stored, Map.of());
        restored.remove();
        assertTrue(ec2.liveInstances().isEmpty());
        assertTrue(ec2.keyPairs().isEmpty() && ec2.groupNames().isEmpty());
    }
}
