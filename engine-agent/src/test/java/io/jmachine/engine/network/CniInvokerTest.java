package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNI contract on our side: what a plugin gets (env, stdin) and how its result and errors are read. */
class CniInvokerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the bridge plugin 1.1.1 printed for an ADD on this host. */
    static final String BRIDGE_RESULT = """
            {"cniVersion":"1.0.0",
             "interfaces":[{"name":"jmtman0","mac":"7a:53:e3:cf:59:06"},
                           {"name":"veth84f48942","mac":"c2:3f:2c:ea:45:cd"},
                           {"name":"eth0","mac":"22:d9:af:92:d1:76","sandbox":"/run/netns/jmtmanual"}],
             "ips":[{"interface":2,"address":"10.251.77.2/24","gateway":"10.251.77.1"}],
             "routes":[{"dst":"0.0.0.0/0"}],
             "dns":{}}""";

    @TempDir
    Path pluginDir;

    @Test
    void readsTheBridgePluginsResult() throws Exception {
        CniResult result = new CniInvoker(pluginDir, MAPPER).parseResult(MAPPER.readTree(BRIDGE_RESULT));
        assertEquals("1.0.0", result.cniVersion());
        assertEquals(3, result.interfaces().size());
        CniResult.IpConfig ip = result.ipv4On("eth0").orElseThrow();
        assertEquals("10.251.77.2", ip.ip());
        assertEquals(24, ip.prefixLength());
        assertEquals("10.251.77.1", ip.gateway());
        assertEquals("22:d9:af:92:d1:76", result.sandboxInterface("eth0").orElseThrow().mac());
        assertTrue(result.sandboxInterface("jmtman0").isEmpty(), "the bridge is on the host, not in the sandbox");
        assertEquals(List.of(new CniResult.Route("0.0.0.0/0", null)), result.routes());
        assertEquals(List.of(), result.dns().nameservers());
        assertEquals(MAPPER.readTree(BRIDGE_RESULT), result.raw());
    }

    @Test
    void readsAnOlderResultWithExtraFieldsAndNoInterfaceIndex() throws Exception {
        CniResult result = new CniInvoker(pluginDir, MAPPER).parseResult(MAPPER.readTree("""
                {"cniVersion":"0.4.0","ips":[{"version":"6","address":"fd00::2/64"},{"version":"4","address":"10.1.2.3/16"}],
                 "dns":{"nameservers":["10.1.0.1"],"search":["example.test"]}}"""));
        assertEquals("10.1.2.3", result.ipv4On("eth0").orElseThrow().ip());
        assertEquals(16, result.ipv4On("eth0").orElseThrow().prefixLength());
        assertNull(result.ipv4On("eth0").orElseThrow().gateway());
        assertEquals(List.of("10.1.0.1"), result.dns().nameservers());
        assertEquals(List.of("example.test"), result.dns().search());
    }

    @Test
    void aPluginGetsTheSpecsEnvironmentAndItsConfigOnStdin() throws Exception {
        // the fake plugin answers with what it was given, as an interface's fields
        plugin("echoer", """
                #!/bin/sh
                conf=$(cat)
                printf '{"cniVersion":"1.0.0","interfaces":[{"name":"%s","mac":"%s","sandbox":"%s"}],"ips":[{"address":"%s/%s","interface":0}],"dns":{"domain":"%s"}}' \\
                  "$CNI_IFNAME" "$CNI_COMMAND" "$CNI_NETNS" "10.0.0.9" "8" "$CNI_CONTAINERID $CNI_PATH $(echo "$conf" | tr -d '"{}' )"
                """);
        CniInvoker invoker = new CniInvoker(pluginDir, MAPPER);
        ObjectNode plugin = MAPPER.createObjectNode().put("type", "echoer").put("key", "value");
        CniResult result = invoker.add(new CniNetworkList("1.0.0", "testnet", List.of(plugin)),
                new CniInvoker.Target("c0ffee", Path.of("/run/netns/x"), "eth7"));
        CniResult.Interface echoed = result.interfaces().getFirst();
        assertEquals("eth7", echoed.name());
        assertEquals("ADD", echoed.mac());
        assertEquals("/run/netns/x", echoed.sandbox());
        assertEquals("c0ffee " + pluginDir + " type:echoer,key:value,cniVersion:1.0.0,name:testnet", result.dns().domain());
    }

    @Test
    void eachPluginInAChainGetsThePreviousResult() throws Exception {
        plugin("first", """
                #!/bin/sh
                cat >/dev/null
                echo '{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/24"}]}'
                """);
        // prints its stdin back: the chained config, prevResult included
        plugin("second", "#!/bin/sh\ncat\n");
        CniInvoker invoker = new CniInvoker(pluginDir, MAPPER);
        CniResult result = invoker.add(new CniNetworkList("1.0.0", "chain",
                        List.of(MAPPER.createObjectNode().put("type", "first"), MAPPER.createObjectNode().put("type", "second"))),
                new CniInvoker.Target("c1", Path.of("/run/netns/y"), "eth0"));
        assertEquals("second", result.raw().path("type").asText());
        assertEquals("10.9.0.2/24", result.raw().path("prevResult").path("ips").path(0).path("address").asText());
    }

    @Test
    void deleteRunsTheChainInReverseAndEveryPluginEvenAfterAFailure() throws Exception {
        Path log = pluginDir.resolve("log");
        plugin("a", "#!/bin/sh\ncat >/dev/null\necho \"a $CNI_COMMAND\" >> " + log + "\n");
        plugin("b", "#!/bin/sh\ncat >/dev/null\necho \"b $CNI_COMMAND\" >> " + log
                + "\necho '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\"}'\nexit 1\n");
        CniInvoker invoker = new CniInvoker(pluginDir, MAPPER);
        CniNetworkList list = new CniNetworkList("1.0.0", "n",
                List.of(MAPPER.createObjectNode().put("type", "a"), MAPPER.createObjectNode().put("type", "b")));
        CniException e = assertThrows(CniException.class,
                () -> invoker.delete(list, new CniInvoker.Target("c2", Path.of("/run/netns/gone"), "eth0"), null));
        assertEquals("b", e.plugin());
        assertEquals(11, e.code());
        assertEquals(List.of("b DEL", "a DEL"), Files.readAllLines(log));
    }

    @Test
    void aPluginErrorCarriesItsMsgAndDetails() throws Exception {
        plugin("failing", """
                #!/bin/sh
                cat >/dev/null
                echo '{"cniVersion":"1.0.0","code":7,"msg":"invalid network config","details":"no subnet given"}'
                exit 1
                """);
        CniException e = assertThrows(CniException.class, () -> new CniInvoker(pluginDir, MAPPER).invoke(CniInvoker.Command.ADD,
                MAPPER.createObjectNode().put("type", "failing"), new CniInvoker.Target("c3", null, "eth0")));
        assertEquals(7, e.code());
        assertEquals("invalid network config", e.msg());
        assertEquals("no subnet given", e.details());
        assertEquals("ADD", e.command());
        assertTrue(e.getMessage().contains("CNI plugin failing failed ADD (code 7): invalid network config (no subnet given)"), e.getMessage());
    }

    @Test
    void aPluginThatDiesWithoutJsonIsReportedWithWhatItSaid() throws Exception {
        plugin("crashing", "#!/bin/sh\necho 'panic: nil map' >&2\nexit 2\n");
        CniException e = assertThrows(CniException.class, () -> new CniInvoker(pluginDir, MAPPER).invoke(CniInvoker.Command.DEL,
                MAPPER.createObjectNode().put("type", "crashing"), new CniInvoker.Target("c4", null, "eth0")));
        assertTrue(e.getMessage().contains("exited with 2: panic: nil map"), e.getMessage());
    }

    @Test
    void aMissingPluginSaysWhatToInstall() {
        NetworkException e = assertThrows(NetworkException.class, () -> new CniInvoker(pluginDir, MAPPER).invoke(CniInvoker.Command.ADD,
                MAPPER.createObjectNode().put("type", "nosuch"), new CniInvoker.Target("c5", null, "eth0")));
        assertTrue(e.getMessage().contains("install containernetworking-plugins"), e.getMessage());
    }

    @Test
    void deleteAndCheckPrintNothingOnSuccess() throws Exception {
        plugin("quiet", "#!/bin/sh\ncat >/dev/null\n");
        JsonNode printed = new CniInvoker(pluginDir, MAPPER).invoke(CniInvoker.Command.CHECK,
                MAPPER.createObjectNode().put("type", "quiet"), new CniInvoker.Target("c6", null, "eth0"));
        assertNull(printed);
    }

    private void plugin(String name, String script) throws Exception {
        Path file = pluginDir.resolve(name);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
