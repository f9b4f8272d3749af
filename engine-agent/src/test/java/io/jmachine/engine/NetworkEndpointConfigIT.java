package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.TestNetwork;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a container asks for on a network (NetworkingConfig.EndpointsConfig, network connect's EndpointConfig) and
 * what network create keeps, as dockerd 20.10 honours and shows them: fixed addresses, link-local addresses,
 * aliases, links and driver options; IPRange, AuxiliaryAddresses, EnableIPv6 and names with spaces; legacy links
 * removed with {@code DELETE /containers/{parent}/{alias}?link=1}. Inspect is read through the raw API, not the CLI,
 * which decodes and re-encodes it. Runs against the peer dockerd too
 * ({@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}); subnets are ones this host does not route yet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkEndpointConfigIT {

    private static final String IMAGE = "localhost/endpoint-config-it/busybox:1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private final String prefix = "nec" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3)) + "-";
    private EngineUnderTest engine;
    private DockerCli docker;
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        for (String name : containers) {
            docker.run("rm", "-f", name);
        }
        for (String name : networks) {
            docker.run("network", "rm", name);
        }
        containers.clear();
        networks.clear();
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        if (engine.isPeer()) {
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    @Test
    void aRequestedAddressIsGivenAndShownWithTheAliasesAndTheLinkLocalAddress() throws Exception {
        String base = base(TestNetwork.pick().subnet());
        String net = network("fixed", "--subnet", base + "0/24", "--ip-range", base + "128/25");
        String web = container("web");
        ok("run", "-d", "--name", web, "--network", net, "--ip", base + "7", "--network-alias", "site",
                "--link-local-ip", "169.254.7.7", IMAGE, "sleep", "300");
        JsonNode endpoint = endpoint(web, net);
        assertEquals(JSON.readTree("{\"IPv4Address\":\"" + base + "7\",\"LinkLocalIPs\":[\"169.254.7.7\"]}"), endpoint.path("IPAMConfig"));
        assertEquals(base + "7", endpoint.path("IPAddress").asText(), "outside the IPRange, as dockerd allows");
        assertEquals(List.of("site", shortId(web)), strings(endpoint.path("Aliases")));
        assertTrue(endpoint.path("Links").isNull(), endpoint.toString());
        assertTrue(endpoint.path("DriverOpts").isNull(), endpoint.toString());
        String addresses = ok("exec", web, "ip", "-4", "addr", "show", "eth0");
        assertTrue(addresses.contains("inet " + base + "7/24"), addresses);
        assertTrue(addresses.contains("inet 169.254.7.7/16"), addresses);

        String other = container("other");
        ok("run", "-d", "--name", other, "--network", net, IMAGE, "sleep", "300");
        JsonNode picked = endpoint(other, net);
        assertTrue(picked.path("IPAMConfig").isNull(), picked.toString());
        int last = Integer.parseInt(picked.path("IPAddress").asText().substring(base.length()));
        assertTrue(last > 128 && last < 255, "an address from the IPRange, past its first (the gateway): " + last);
        assertEquals(base + "128", picked.path("Gateway").asText(), "dockerd's gateway: the IPRange's first address");
    }

    @Test
    void aTakenForeignOrUnroutableAddressIsRefused() throws Exception {
        String base = base(TestNetwork.pick().subnet());
        String net = network("strict", "--subnet", base + "0/24");
        String picked = network("picked");
        ok("run", "-d", "--name", container("holder"), "--network", net, "--ip", base + "9", IMAGE, "sleep", "300");

        assertTrue(fails("run", "-d", "--name", container("twin"), "--network", net, "--ip", base + "9", IMAGE, "true")
                .contains("Address already in use"));
        assertTrue(fails("run", "-d", "--name", container("stray"), "--network", net, "--ip", "192.0.2.77", IMAGE, "true")
                .contains("It does not belong to any of this network's subnets"));
        assertTrue(fails("run", "-d", "--name", container("nosub"), "--network", picked, "--ip", base + "10", IMAGE, "true")
                .contains("user specified IP address is supported only when connecting to networks with user configured subnets"));
        assertTrue(fails("run", "-d", "--name", container("onbridge"), "--ip", base + "11", IMAGE, "true")
                .contains("user specified IP address is supported on user defined networks only"));
    }

    @Test
    void aCreatedContainerListsTheNetworksItAskedForAndStartsOnThem() throws Exception {
        String base = base(TestNetwork.pick().subnet());
        String fixed = network("created", "--subnet", base + "0/24");
        String more = network("more");
        String later = container("later");
        ok("create", "--name", later, "--network", fixed, "--ip", base + "20", "--network-alias", "cc", IMAGE, "sleep", "300");
        ok("network", "connect", "--alias", "dd", more, later);

        JsonNode networks = inspectRaw(later).at("/NetworkSettings/Networks");
        assertEquals(List.of(fixed, more), names(networks).stream().sorted().toList());
        assertEquals(JSON.readTree("{\"IPv4Address\":\"" + base + "20\"}"), networks.path(fixed).path("IPAMConfig"));
        assertEquals(List.of("cc"), strings(networks.path(fixed).path("Aliases")));
        assertEquals("", networks.path(fixed).path("IPAddress").asText());
        assertEquals(List.of("dd", shortId(later)), strings(networks.path(more).path("Aliases")), "connect adds the short ID");

        ok("start", later);
        networks = inspectRaw(later).at("/NetworkSettings/Networks");
        assertEquals(base + "20", networks.path(fixed).path("IPAddress").asText());
        assertEquals(List.of("cc", shortId(later)), strings(networks.path(fixed).path("Aliases")), "start adds the short ID");
        assertNotEquals("", networks.path(more).path("IPAddress").asText());
    }

    @Test
    void endpointLinksAndDriverOptionsAreKeptAndTheLinkResolvesForItsContainer() throws Exception {
        String net = network("links");
        String upstream = container("upstream");
        String client = container("client");
        ok("run", "-d", "--name", upstream, "--network", net, IMAGE, "sleep", "300");
        ok("run", "-d", "--name", client, "--network", net, IMAGE, "sleep", "300");
        ok("network", "disconnect", net, client);
        UnixHttp.Response connected = UnixHttp.json(engine.socket(), "POST", "/v1.41/networks/" + net + "/connect", """
                {"Container": "%s", "EndpointConfig": {"Links": ["%s:bar"], "DriverOpts": {"com.example.opt": "1"}}}"""
                .formatted(client, upstream));
        assertEquals(200, connected.status(), connected.text());
        JsonNode endpoint = endpoint(client, net);
        assertEquals(List.of(upstream + ":bar"), strings(endpoint.path("Links")));
        assertEquals(JSON.readTree("{\"com.example.opt\":\"1\"}"), endpoint.path("DriverOpts"));
        String upstreamIp = endpoint(upstream, net).path("IPAddress").asText();
        String lookup = ok("exec", client, "nslookup", "bar");
        assertTrue(lookup.contains("Address: " + upstreamIp) || lookup.contains("Address 1: " + upstreamIp), lookup);
    }

    @Test
    void networkCreateKeepsIpRangeAuxiliaryAddressesAndIpv6AndTakesANameWithASpace() throws Exception {
        String spaced = prefix + "test 01";
        ok("network", "create", spaced);
        networks.add(spaced);
        assertEquals(spaced, inspectNetwork(spaced).path("Name").asText());

        String base = base(TestNetwork.pick().subnet());
        String ranged = network("ranged", "--subnet", base + "0/24", "--ip-range", base + "64/26", "--aux-address", "router=" + base + "65");
        assertEquals(JSON.readTree("[{\"Subnet\":\"" + base + "0/24\",\"IPRange\":\"" + base + "64/26\",\"AuxiliaryAddresses\":{\"router\":\""
                + base + "65\"}}]"), inspectNetwork(ranged).at("/IPAM/Config"));
        String member = container("member");
        ok("run", "-d", "--name", member, "--network", ranged, IMAGE, "sleep", "300");
        assertEquals(base + "66", endpoint(member, ranged).path("IPAddress").asText(),
                "the range's first address is the gateway and the auxiliary one is never given");

        String v6subnet = "fd" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)).replaceAll("(..)(....)(....)", "$1:$2:$3") + "::/64";
        String dual = network("dual", "--ipv6", "--subnet", v6subnet);
        JsonNode inspected = inspectNetwork(dual);
        assertTrue(inspected.path("EnableIPv6").asBoolean(), inspected.toString());
        assertTrue(inspected.at("/IPAM/Config").toString().contains("\"Subnet\":\"" + v6subnet + "\""), inspected.toString());
        String refused = fails("network", "create", "--ipv6", prefix + "v6-nosubnet");
        networks.add(prefix + "v6-nosubnet");
        assertTrue(refused.contains("could not find an available, non-overlapping IPv6 address pool"), refused);
    }

    @Test
    void aSecondNetworkOfANameIsMadeOnlyWithoutCheckDuplicateAndTheNameIsThenAmbiguous() throws Exception {
        String name = prefix + "twice";
        String first = createNetwork("{\"Name\":\"" + name + "\",\"CheckDuplicate\":true}", 201).path("Id").asText();
        networks.add(first);
        assertEquals(409, createNetworkStatus("{\"Name\":\"" + name + "\",\"CheckDuplicate\":true}"), "the docker CLI's way");
        String member = container("namesake-member");
        ok("create", "--name", member, "--network", name, IMAGE, "true");
        JsonNode second = createNetwork("{\"Name\":\"" + name + "\"}", 201);
        networks.add(second.path("Id").asText());
        assertEquals("Network with name " + name + " (id : " + first + ") already exists", second.path("Warning").asText());
        UnixHttp.Response ambiguous = UnixHttp.request(engine.socket(), "GET", "/v1.41/networks/" + name, Map.of(), null);
        assertEquals(400, ambiguous.status(), ambiguous.text());
        assertTrue(ambiguous.text().contains("ambiguous"), ambiguous.text());
        assertEquals(name, inspectNetwork(second.path("Id").asText()).path("Name").asText(), "each is found by its ID");
        assertEquals(List.of(name), names(inspectRaw(member).at("/NetworkSettings/Networks")), "a container made before still shows");
        assertEquals(List.of("/" + member), psNames(member));
    }

    @Test
    void anIpv6AddressOnANetworkWithoutEnableIpv6IsKeptAndShownAsDockerdKeepsIt() throws Exception {
        String v6 = "fd" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)).replaceAll("(..)(....)(....)", "$1:$2:$3") + "::";
        String net = network("v6pool", "--subnet", v6 + "/64");
        String holder = container("v6holder");
        ok("run", "-d", "--name", holder, "--network", net, "--ip6", v6 + "f00d", IMAGE, "sleep", "300");
        assertEquals(JSON.readTree("{\"IPv6Address\":\"" + v6 + "f00d\"}"), endpoint(holder, net).path("IPAMConfig"));
        assertNotEquals("", endpoint(holder, net).path("IPAddress").asText(), "an IPv4 address from a subnet picked for it");
    }

    @Test
    void removingALegacyLinkKeepsBothContainersAndTheLinkNameGoes() throws Exception {
        String target = container("target");
        String parent = container("parent");
        ok("run", "-d", "--name", target, IMAGE, "sleep", "300");
        ok("run", "-d", "--name", parent, "--link", target + ":mylink", IMAGE, "sleep", "300");
        // dockerd's order of the names varies
        assertEquals(List.of("/" + parent + "/mylink", "/" + target), psNames(target).stream().sorted().toList());

        UnixHttp.Response removed = UnixHttp.request(engine.socket(), "DELETE", "/v1.41/containers/" + parent + "/mylink?link=1", Map.of(), null);
        assertEquals(204, removed.status(), removed.text());
        assertEquals(List.of("/" + target), psNames(target));
        assertTrue(inspectRaw(parent).at("/HostConfig/Links").isNull());
        assertEquals("true true", ok("inspect", "-f", "{{.State.Running}}", target).strip() + " "
                + ok("inspect", "-f", "{{.State.Running}}", parent).strip(), "both containers stay");

        UnixHttp.Response again = UnixHttp.request(engine.socket(), "DELETE", "/v1.41/containers/" + parent + "/mylink?link=1", Map.of(), null);
        assertEquals(404, again.status(), again.text());
    }

    /** "10.a.b." of a free 10.a.b.0/24. */
    private static String base(String subnet) {
        return subnet.substring(0, subnet.lastIndexOf('.') + 1);
    }

    private String network(String name, String... options) throws Exception {
        String full = prefix + name;
        List<String> args = new ArrayList<>(List.of("network", "create"));
        args.addAll(List.of(options));
        args.add(full);
        ok(args.toArray(String[]::new));
        networks.add(full);
        return full;
    }

    private String container(String name) {
        String full = prefix + name;
        containers.add(full);
        return full;
    }

    private JsonNode inspectRaw(String container) throws Exception {
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/v1.41/containers/" + container + "/json", Map.of(), null);
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.body());
    }

    private JsonNode createNetwork(String body, int status) throws Exception {
        UnixHttp.Response response = UnixHttp.json(engine.socket(), "POST", "/v1.41/networks/create", body);
        assertEquals(status, response.status(), response.text());
        return JSON.readTree(response.body());
    }

    private int createNetworkStatus(String body) throws Exception {
        return UnixHttp.json(engine.socket(), "POST", "/v1.41/networks/create", body).status();
    }

    private JsonNode inspectNetwork(String network) throws Exception {
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET",
                "/v1.41/networks/" + URLEncoder.encode(network, StandardCharsets.UTF_8).replace("+", "%20"), Map.of(), null);
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.body());
    }

    private JsonNode endpoint(String container, String network) throws Exception {
        JsonNode endpoint = inspectRaw(container).at("/NetworkSettings/Networks").path(network);
        assertTrue(endpoint.isObject(), container + " is not on " + network);
        return endpoint;
    }

    private String shortId(String container) throws Exception {
        return inspectRaw(container).path("Id").asText().substring(0, 12);
    }

    private List<String> psNames(String container) throws Exception {
        String filters = URLEncoder.encode("{\"name\":[\"" + container + "\"]}", StandardCharsets.UTF_8);
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/v1.41/containers/json?all=1&filters=" + filters, Map.of(), null);
        assertEquals(200, response.status(), response.text());
        for (JsonNode summary : JSON.readTree(response.body())) {
            if (strings(summary.path("Names")).contains("/" + container)) {
                return strings(summary.path("Names"));
            }
        }
        throw new AssertionError(container + " is not in ps: " + response.text());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    private String fails(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertNotEquals(0, result.exitCode(), "docker " + String.join(" ", args) + " should have failed: " + result.out());
        return result.err();
    }
}
