package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.testing.EngineRoots;
import io.jmachine.engine.testing.HostCommands;
import io.jmachine.engine.testing.TestNetwork;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another bridge of the host inside the engine's subnets (a stopped dockerd's docker0): the engine refuses to start
 * on such a default subnet, naming the interface and --bip, and user networks keep out of routes made after it started.
 */
class HostRouteOverlapIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final String intruder = "jmovl" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)).substring(0, 7);

    @AfterEach
    void removeTheIntruder() throws Exception {
        if (Files.exists(Path.of("/sys/class/net", intruder))) {
            HostCommands.output("ip", "link", "delete", intruder, "type", "bridge");
        }
    }

    private void intruderWith(String cidr) throws Exception {
        HostCommands.output("ip", "link", "add", intruder, "type", "bridge");
        HostCommands.output("ip", "addr", "add", cidr, "dev", intruder);
    }

    @Test
    void anotherBridgeInsideTheDefaultSubnetStopsTheStartNamingItAndBip() throws Exception {
        TestNetwork network = TestNetwork.pick();
        String base = network.subnet().substring(0, network.subnet().lastIndexOf('.'));
        intruderWith(base + ".129/25");
        Map<String, Object> flags = Map.of("hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", network.bridge(), "bip", network.subnet());
        ConfigException refused = assertThrows(ConfigException.class, () -> Engine.start(ConfigLoader.load(flags, null)).close());
        assertTrue(refused.getMessage().contains(intruder) && refused.getMessage().contains("--bip"), refused.getMessage());
        assertFalse(network.bridgeExists(), "nothing was made before the refusal");
        assertFalse(Files.exists(dir.resolve("engine.sock")));
    }

    @Test
    void aUserNetworkAvoidsARouteThatAppearedAfterTheEngineStarted() throws Exception {
        EngineRoots roots = EngineRoots.in(dir);
        try (Engine engine = Engine.start(ConfigLoader.load(roots.config(), null))) {
            String first = subnetOf(create("jmovl-first"));
            assertEquals(204, UnixHttp.request(roots.socket(), "DELETE", "/v1.50/networks/jmovl-first", Map.of(), null).status());
            // the subnet the pool just gave is now routed to another bridge: the next network must go elsewhere
            intruderWith(first.replaceFirst("\\.0/", ".1/"));
            String second = subnetOf(create("jmovl-second"));
            assertFalse(second.equals(first), "the second network took " + second + ", routed to " + intruder);
            UnixHttp.request(roots.socket(), "DELETE", "/v1.50/networks/jmovl-second", Map.of(), null);
        } finally {
            roots.network().removeBridge();
        }
    }

    private String create(String name) throws Exception {
        Path socket = dir.resolve("engine.sock");
        UnixHttp.Response created = UnixHttp.json(socket, "POST", "/v1.50/networks/create", "{\"Name\":\"" + name + "\"}");
        assertEquals(201, created.status(), created.text());
        return name;
    }

    private String subnetOf(String name) throws Exception {
        UnixHttp.Response inspect = UnixHttp.request(dir.resolve("engine.sock"), "GET", "/v1.50/networks/" + name, Map.of(), null);
        JsonNode config = JSON.readTree(inspect.body()).path("IPAM").path("Config").path(0);
        return config.path("Subnet").asText();
    }
}
