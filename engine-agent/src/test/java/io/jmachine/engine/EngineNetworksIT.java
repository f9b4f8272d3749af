package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.network.Ipv4Subnet;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Networks as a user drives them: a real engine in this JVM (its own roots, socket, default bridge and subnet),
 * the real docker CLI, busybox containers under runc. User networks take their subnets from the engine's pool,
 * which avoids the host's routes. Containers that could look up outside names get --dns 127.0.0.1, so no test
 * query leaves the host.
 */
class EngineNetworksIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "localhost/nettest/busybox:1";
    private static final String SERVE = "mkdir -p /www && echo \"served by $(hostname)\" > /www/index.html && exec httpd -f -p 80 -h /www";

    @TempDir
    static Path dir;

    private static String bridge;
    private static Ipv4Subnet bip;
    private static String ipForwardBefore;
    private static Engine engine;
    private static DockerCli docker;

    @BeforeAll
    static void startEngine() throws Exception {
        bridge = "jmtn" + HexFormat.of().formatHex(RANDOM.generateSeed(3));
        bip = freeSubnet();
        ipForwardBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"));
        engine = start();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    private static Engine start() {
        return Engine.start(ConfigLoader.load(Map.of(
                "hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", bridge, "bip", bip.toString()), null));
    }

    @AfterEach
    void removeContainersAndNetworks() throws Exception {
        String ids = ok("ps", "-aq").strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ids.lines().toList());
            ok(rm.toArray(String[]::new));
        }
        ok("network", "prune", "-f");
        assertEquals("bridge host none", names(), "only the three built-in networks are left");
        assertEquals("", ok("network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", "bridge").strip());
        assertEquals(List.of(), hostBridgesOf("br-"), "no user network's bridge is left");
    }

    @AfterAll
    static void stopEngine() throws Exception {
        if (engine != null) {
            engine.close();
        }
        run("ip", "link", "delete", bridge);
        io.jmachine.engine.network.SubnetMasquerade.remove(bridge, bip);
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForwardBefore);
    }

    @Test
    void aFreshEngineHasBridgeHostAndNoneAndUserNetworksComeAndGo() throws Exception {
        assertEquals("bridge host none", names());
        assertEquals(bip + " " + bip.gateway(), ok("network", "inspect", "-f",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", "bridge").strip());
        assertTrue(fails("network", "rm", "bridge").contains("bridge is a pre-defined network and cannot be removed"));

        String routesBefore = run("ip", "-4", "route", "show", "table", "all");
        String id = ok("network", "create", "--label", "team=a", "accnet").strip();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        JsonNode accnet = inspectNetwork("accnet");
        String subnet = accnet.at("/IPAM/Config/0/Subnet").asText();
        Ipv4Subnet chosen = Ipv4Subnet.parse(subnet);
        assertFalse(chosen.overlaps(bip), "not the default bridge's");
        for (String route : routesBefore.lines().map(l -> l.split("\\s+")[0]).filter(d -> d.matches("[0-9.]+/[0-9]+")).toList()) {
            int length = Integer.parseInt(route.substring(route.indexOf('/') + 1));
            if (length >= 8 && length <= 30) {
                Ipv4Subnet routed = new Ipv4Subnet(Ipv4Subnet.parseAddress(route.substring(0, route.indexOf('/'))) & (-1 << (32 - length)), length);
                assertFalse(chosen.overlaps(routed), subnet + " overlaps the host route " + route);
            }
        }
        assertEquals(chosen.gateway(), accnet.at("/IPAM/Config/0/Gateway").asText());
        assertEquals("bridge", accnet.path("Driver").asText());
        assertEquals("a", accnet.at("/Labels/team").asText());
        String hostBridge = "br-" + id.substring(0, 12);
        assertTrue(run("ip", "-o", "-4", "addr", "show", "dev", hostBridge).contains("inet " + chosen.gateway() + "/"),
                "the network's own Linux bridge carries its gateway");

        assertTrue(fails("network", "create", "accnet").contains("network with name accnet already exists"));
        ok("network", "create", "--subnet", "10.123.45.0/24", "--gateway", "10.123.45.254", "--internal", "fixed");
        JsonNode fixed = inspectNetwork("fixed");
        assertEquals("10.123.45.0/24", fixed.at("/IPAM/Config/0/Subnet").asText());
        assertEquals("10.123.45.254", fixed.at("/IPAM/Config/0/Gateway").asText());
        assertTrue(fixed.path("Internal").asBoolean());
        assertTrue(fails("network", "create", "--subnet", "10.123.45.128/25", "overlap").contains("overlaps"));

        assertEquals("accnet bridge fixed host none", names());
        assertEquals("accnet", ok("network", "ls", "-q", "--no-trunc", "--filter", "label=team=a", "--format", "{{.Name}}").strip());
        assertEquals("accnet\nfixed", ok("network", "ls", "--filter", "type=custom", "--format", "{{.Name}}").strip());
        assertEquals("bridge", ok("network", "ls", "--filter", "driver=bridge", "--filter", "name=^bri", "--format", "{{.Name}}").strip());
        assertEquals("accnet", ok("network", "ls", "--filter", "id=" + id.substring(0, 10), "--format", "{{.Name}}").strip());
        assertEquals(id, inspectNetwork(id.substring(0, 12)).path("Id").asText(), "an ID prefix finds it");

        ok("network", "rm", "accnet");
        assertFalse(Files.exists(Path.of("/sys/class/net", hostBridge)), "its bridge went with it");
        assertTrue(fails("network", "inspect", "accnet").contains("network accnet not found"));
        assertTrue(ok("network", "prune", "-f").contains("fixed"));
        assertEquals("bridge host none", names());
    }

    @Test
    void containersOnAUserNetworkResolveEachOtherButNotOnTheDefaultBridge() throws Exception {
        ok("network", "create", "webnet");
        ok("run", "-d", "--name", "srv", "--network", "webnet", "--network-alias", "www", IMAGE, "sh", "-c", SERVE);
        String srvIp = ok("inspect", "-f", "{{.NetworkSettings.Networks.webnet.IPAddress}}", "srv").strip();
        assertTrue(Ipv4Subnet.parse(inspectNetwork("webnet").at("/IPAM/Config/0/Subnet").asText()).contains(srvIp), srvIp);
        assertEquals("", ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "srv").strip(), "IPAddress is the default bridge's");
        // dockerd adds the short ID (and the hostname, here the same) to a user network's aliases at start
        assertEquals("[www " + ok("inspect", "-f", "{{.Id}}", "srv").strip().substring(0, 12) + "]",
                ok("inspect", "-f", "{{.NetworkSettings.Networks.webnet.Aliases}}", "srv").strip());
        assertEquals("srv " + srvIp + "/", ok("network", "inspect", "-f",
                "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}", "webnet").strip().replaceAll("/[0-9]+$", "/"));

        String gateway = inspectNetwork("webnet").at("/IPAM/Config/0/Gateway").asText();
        assertTrue(ok("run", "--rm", "--network", "webnet", IMAGE, "cat", "/etc/resolv.conf").contains("nameserver " + gateway),
                "a user network's containers ask the engine's DNS on the gateway");
        String lookup = ok("run", "--rm", "--network", "webnet", "--dns", "127.0.0.1", IMAGE, "nslookup", "srv");
        assertTrue(lookup.contains("Address: " + srvIp), lookup);
        String shortId = ok("inspect", "-f", "{{.Id}}", "srv").strip().substring(0, 12);
        for (String name : List.of("srv", "www", shortId, "srv.webnet")) {
            assertTrue(waitForWget("webnet", name).startsWith("served by "), name);
        }
        String unknown = runExpectingFailure("run", "--rm", "--network", "webnet", "--dns", "127.0.0.1", IMAGE, "nslookup", "nosuch");
        assertFalse(unknown.contains("Address: 1"), unknown);

        // the default bridge: its resolv.conf is the host's (here a dead loopback server), and no container name resolves
        String onBridge = ok("run", "--rm", "--dns", "127.0.0.1", IMAGE, "sh", "-c",
                "cat /etc/resolv.conf; cat /etc/hosts; nslookup srv " + gateway + " || echo LOOKUP-FAILED");
        assertFalse(onBridge.contains("nameserver " + gateway), onBridge);
        assertTrue(onBridge.contains("LOOKUP-FAILED"), "the network's DNS answers only its members: " + onBridge);
        assertNotEquals(0, docker.run("run", "--rm", "--dns", "127.0.0.1", IMAGE, "wget", "-T", "3", "-qO-", "http://srv/").exitCode());
    }

    @Test
    void connectAndDisconnectALiveContainerAndRmRefusesANetworkInUse() throws Exception {
        ok("network", "create", "joinnet");
        ok("run", "-d", "--name", "web", IMAGE, "sh", "-c", SERVE);
        String bridgeIp = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web").strip();
        assertTrue(bip.contains(bridgeIp), bridgeIp);

        ok("network", "connect", "--alias", "site", "joinnet", "web");
        JsonNode networks = JSON.readTree(ok("inspect", "-f", "{{json .NetworkSettings.Networks}}", "web"));
        assertEquals(List.of("bridge", "joinnet"), iterate(networks.fieldNames()).stream().sorted().toList());
        String joinIp = networks.at("/joinnet/IPAddress").asText();
        assertEquals(inspectNetwork("joinnet").path("Id").asText(), networks.at("/joinnet/NetworkID").asText());
        assertTrue(networks.at("/joinnet/MacAddress").asText().matches("[0-9a-f:]{17}"));
        assertEquals(bridgeIp, ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web").strip(), "still the default bridge's");
        assertTrue(ok("exec", "web", "ip", "-4", "addr", "show", "eth1").contains("inet " + joinIp + "/"), "a second interface");
        assertTrue(waitForWget("joinnet", "web").startsWith("served by "));
        assertTrue(waitForWget("joinnet", "site").startsWith("served by "));
        assertTrue(fails("network", "connect", "joinnet", "web").contains("already exists"));

        String refused = fails("network", "rm", "joinnet");
        assertTrue(refused.contains("error while removing network: network joinnet id ") && refused.contains("has active endpoints"), refused);

        ok("network", "disconnect", "joinnet", "web");
        assertNotEquals(0, docker.run("exec", "web", "ip", "addr", "show", "eth1").exitCode(), "eth1 is gone");
        assertEquals("bridge", ok("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", "web").strip());
        assertEquals("", ok("network", "inspect", "-f", "{{range .Containers}}{{.Name}}{{end}}", "joinnet").strip());
        ok("network", "rm", "joinnet");
    }

    @Test
    void aLinkAliasAndAddHostGoIntoEtcHosts() throws Exception {
        ok("run", "-d", "--name", "linked", IMAGE, "sh", "-c", SERVE);
        String ip = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "linked").strip();
        String out = ok("run", "--rm", "--link", "linked:webalias", "--add-host", "db.example:192.0.2.10", "--dns", "127.0.0.1",
                IMAGE, "sh", "-c", "cat /etc/hosts; for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://webalias/ && break; sleep 0.5; done");
        assertTrue(out.contains(ip + "\twebalias "), out);
        assertTrue(out.contains("192.0.2.10\tdb.example"), out);
        assertTrue(out.contains("served by "), out);
        assertTrue(fails("run", "--rm", "--link", "nosuch:x", IMAGE, "true").contains("could not get container for nosuch"));
    }

    @Test
    void anInternalNetworkHasNoRouteOutAndNoNat() throws Exception {
        ok("network", "create", "--internal", "closed");
        String subnet = inspectNetwork("closed").at("/IPAM/Config/0/Subnet").asText();
        String routes = ok("run", "--rm", "--network", "closed", IMAGE, "ip", "route");
        assertFalse(routes.contains("default"), routes);
        assertTrue(routes.contains(subnet), routes);
        ok("run", "-d", "--name", "inside", "--network", "closed", IMAGE, "sleep", "300");
        assertFalse(run("iptables", "-w", "-t", "nat", "-S").contains(subnet.substring(0, subnet.indexOf('/'))),
                "nothing masquerades the internal subnet");
    }

    @Test
    void hostSharesTheHostsInterfacesAndNoneHasOnlyLo() throws Exception {
        List<String> hostInterfaces;
        try (Stream<Path> list = Files.list(Path.of("/sys/class/net"))) {
            hostInterfaces = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> seen = ok("run", "--rm", "--network", "host", IMAGE, "ls", "/sys/class/net").lines().map(String::strip).sorted().toList();
        assertTrue(seen.containsAll(List.of("lo", "eth0")) && Math.abs(seen.size() - hostInterfaces.size()) <= 2, seen + " vs " + hostInterfaces);
        assertEquals("lo", ok("run", "--rm", "--network", "none", IMAGE, "ls", "/sys/class/net").strip());
    }

    @Test
    void networksSurviveARestartAndTheSweepCleansWhatVanishedContainersLeft() throws Exception {
        String id = ok("network", "create", "durable").strip();
        String subnet = inspectNetwork("durable").at("/IPAM/Config/0/Subnet").asText();
        String containerId = ok("run", "-d", "--name", "gone", "--network", "durable", IMAGE, "sleep", "300").strip();
        String pid = ok("inspect", "-f", "{{.State.Pid}}", "gone").strip();
        String hostBridge = "br-" + id.substring(0, 12);
        Path leases = dir.resolve("data/network/ipam").resolve(id);
        assertEquals(1, leaseCount(leases));
        assertEquals(1, portsOn(hostBridge));

        // the engine goes away without tidying up; meanwhile the container dies and its record is lost
        engine.close();
        engine = null;
        run("kill", "-9", pid);
        deleteTree(dir.resolve("data/containers").resolve(containerId));
        // its root filesystem is the image side's to sweep; here it goes by hand so the test leaves no mount
        run("umount", "-l", dir.resolve("data/overlay2/containers").resolve(containerId).resolve("merged").toString());
        engine = start();

        assertEquals("bridge durable host none", names());
        JsonNode durable = inspectNetwork("durable");
        assertEquals(id, durable.path("Id").asText());
        assertEquals(subnet, durable.at("/IPAM/Config/0/Subnet").asText());
        assertEquals(0, durable.path("Containers").size());
        assertEquals(0, leaseCount(leases), "the vanished container's address was released");
        assertEquals(0, portsOn(hostBridge), "its veth is gone");
        assertFalse(run("ip", "netns", "list").contains(containerId.substring(0, 12)), "its namespace is gone");
        assertFalse(run("iptables", "-w", "-t", "nat", "-S").contains(containerId), "its NAT rules are gone");

        // and the network still works after the restart, names included
        ok("run", "-d", "--name", "again", "--network", "durable", IMAGE, "sh", "-c", SERVE);
        assertTrue(waitForWget("durable", "again").startsWith("served by "));
        ok("rm", "-f", "again");
        ok("network", "rm", "durable");
        assertFalse(Files.exists(Path.of("/sys/class/net", hostBridge)));
        assertFalse(Files.exists(leases), "the network's lease folder went with it");
    }

    /** wget from a fresh container on the network, retried while the server starts. */
    private static String waitForWget(String network, String name) throws Exception {
        return ok("run", "--rm", "--network", network, "--dns", "127.0.0.1", IMAGE, "sh", "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://" + name + "/ && exit 0; sleep 0.5; done; exit 1");
    }

    private static String names() throws Exception {
        return String.join(" ", ok("network", "ls", "--format", "{{.Name}}").lines().map(String::strip).sorted().toList());
    }

    private static JsonNode inspectNetwork(String name) throws Exception {
        return JSON.readTree(ok("network", "inspect", name)).get(0);
    }

    private static int leaseCount(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().matches("[0-9.]+")).count();
        }
    }

    private static int portsOn(String hostBridge) throws Exception {
        return (int) run("ip", "-o", "link", "show", "master", hostBridge).lines().filter(l -> !l.isBlank()).count();
    }

    private static List<String> hostBridgesOf(String prefix) throws Exception {
        // only this engine's user networks: their bridges carry a subnet our engine handed out
        List<String> ours = new ArrayList<>();
        for (String line : run("ip", "-o", "link", "show", "type", "bridge").lines().toList()) {
            String[] words = line.split(":\\s+");
            if (words.length > 1 && words[1].startsWith(prefix) && Files.exists(dir.resolve("data/network/networks"))) {
                try (Stream<Path> records = Files.list(dir.resolve("data/network/networks"))) {
                    String name = words[1].split("@")[0];
                    if (records.anyMatch(r -> readQuietly(r).contains("\"" + name + "\""))) {
                        ours.add(name);
                    }
                }
            }
        }
        return ours;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static <T> List<T> iterate(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    private static String ok(String... args) throws Exception {
        if (docker == null) {
            docker = DockerCli.unix(dir.resolve("engine.sock"));
        }
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }

    private static String fails(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertNotEquals(0, result.exitCode(), "docker " + String.join(" ", args) + " should fail: " + result.out());
        return result.err();
    }

    private static String runExpectingFailure(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        return result.out() + result.err();
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A 10.x.y.0/24 that none of the host's routes overlaps, for the engine's default bridge. */
    private static Ipv4Subnet freeSubnet() throws Exception {
        String routes = run("ip", "-4", "route", "show", "table", "all");
        for (int attempt = 0; attempt < 100; attempt++) {
            Ipv4Subnet candidate = Ipv4Subnet.parse("10." + (100 + RANDOM.nextInt(150)) + "." + RANDOM.nextInt(256) + ".0/24");
            String prefix = candidate.toString().substring(0, candidate.toString().lastIndexOf('.') + 1);
            if (!routes.contains(prefix) && !routes.contains("10." + candidate.toString().split("\\.")[1] + ".0.0/16")) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 among the host's routes");
    }
}
