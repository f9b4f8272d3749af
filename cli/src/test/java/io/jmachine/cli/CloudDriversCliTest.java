package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import io.jmachine.drivers.cloud.digitalocean.DigitalOceanDriverFactory;
import io.jmachine.drivers.cloud.ec2.Ec2DriverFactory;
import io.jmachine.drivers.cloud.google.GoogleDriverFactory;
import io.jmachine.drivers.cloud.openstack.OpenStackDriverFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cloud drivers seen from the CLI: found through ServiceLoader, their flags in `create --help`, missing credentials exit 3. */
class CloudDriversCliTest {

    @TempDir
    Path dir;

    private TestCli.Result run(DriverRegistry drivers, String... args) {
        Map<String, String> env = Map.of("JMACHINE_STORAGE_PATH", dir.resolve("store").toString(), "USER", "ann",
                "DOCKER_CONFIG", dir.resolve("docker").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(drivers, env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new TestCli.Result(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void theBuiltInRegistryFindsTheCloudDriversAndCreateHelpListsTheirFlags() {
        DriverRegistry builtIn = DriverRegistry.builtIn();
        for (String driver : List.of("amazonec2", "openstack", "digitalocean", "google")) {
            assertTrue(builtIn.find(driver).isPresent(), driver);
        }
        String help = run(builtIn, "create", "--help", "-d", "amazonec2").out();
        for (String flag : List.of("--amazonec2-access-key", "--amazonec2-secret-key", "--amazonec2-region", "--amazonec2-zone",
                "--amazonec2-instance-type", "--amazonec2-ami", "--amazonec2-ssh-user", "--amazonec2-vpc-id", "--amazonec2-subnet-id",
                "--amazonec2-security-group", "--amazonec2-root-size", "--amazonec2-tags", "--amazonec2-private-address-only",
                "--amazonec2-endpoint", "--openstack-auth-url", "--openstack-password", "--openstack-floatingip-pool",
                "--digitalocean-access-token", "--digitalocean-region", "--digitalocean-size", "--digitalocean-image",
                "--google-project", "--google-zone", "--google-machine-type", "--google-disk-size", "--google-network")) {
            assertTrue(help.contains(flag), flag);
        }
    }

    @Test
    void missingCredentialsExitWith3NamingTheVariablesAndKeepNoMachine() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        DriverRegistry noCredentials = new DriverRegistry(List.of(new Ec2DriverFactory(Map.of(), home),
                new OpenStackDriverFactory(Map.of()), new DigitalOceanDriverFactory(Map.of()), new GoogleDriverFactory(Map.of())));
        Map<String, List<String>> expected = Map.of("amazonec2", List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                "openstack", List.of("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD"),
                "digitalocean", List.of("DIGITALOCEAN_ACCESS_TOKEN"), "google", List.of("GOOGLE_APPLICATION_CREDENTIALS"));
        for (Map.Entry<String, List<String>> driver : expected.entrySet()) {
            TestCli.Result result = run(noCredentials, "create", "-d", driver.getKey(), "c-" + driver.getKey());
            assertEquals(3, result.code(), result.err());
            for (String variable : driver.getValue()) {
                assertTrue(result.err().contains(variable), variable + " in " + result.err());
            }
            assertFalse(Files.exists(dir.resolve("store/machines/c-" + driver.getKey())));
        }
    }
}
