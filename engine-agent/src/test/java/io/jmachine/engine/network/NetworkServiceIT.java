package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real thing: ip netns, the CNI bridge, host-local and loopback plugins, iptables. Each run uses its own
 * bridge, subnet (a 10.x /24 no host route touches), namespace prefix and state folder, and removes all of
 * them; the only traffic is between namespaces it made.
 */
class NetworkServiceIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path stateRoot;

    private static NetworkSettings settings;
    private static String ipForwardBefore;
    private static NetworkService service;

    @BeforeAll
    static void setUp() throws Exception {
        String tag = HexFormat.of().formatHex(RANDOM.generateSeed(3));
        settings = NetworkSettings.defaults(stateRoot)
                .withBridge("jmt" + tag, freeSubnet())
                .withNetnsPrefix("jmt" + tag + "-");
        ipForwardBefore = Files.readString(BridgeNetwork.IP_FORWARD);
        service = NetworkService.create(settings, MAPPER);
    }

    @AfterEach
    void detachEverything() {
        service.sweep(Set.of());
        assertEquals(List.of(), service.namespaces().list(), "no namespace of ours is left");
        assertEquals(List.of(), veths(), "no veth is left on the test bridge");
        assertEquals(List.of(), leases(), "no address is left leased");
        assertEquals("", natRulesOfThisRun(), "no NAT rule of a container is left");
    }

    @AfterAll
    static void tearDown() throws Exception {
        service.sweep(Set.of());
        service.bridge().removeBridge();
        assertFalse(subnetRules().contains("-s " + settings.subnet()), "the subnet's NAT rule went with the bridge");
        // put the host back as it was: the bridge plugin turns forwarding on for gateways
        Files.writeString(BridgeNetwork.IP_FORWARD, ipForwardBefore);
        assertFalse(service.bridge().bridgeExists());
    }

    @Test
    void aBridgedContainerSeesOnlyLoAndEth0WithAnAddressFromTheSubnet() {
        String id = containerId();
        NetworkAttachment attachment = service.attach(id, NetworkMode.defaultBridge());

        String netns = service.namespaces().nameFor(id);
        assertEquals(Path.of("/run/netns", netns), attachment.netnsPath());
        assertTrue(settings.subnet().contains(attachment.ipAddress()), attachment.toString());
        assertEquals(24, attachment.prefixLength());
        assertEquals(settings.subnet().gateway(), attachment.gateway());
        assertEquals(settings.bridgeName(), attachment.bridgeName());
        assertEquals(List.of("eth0", "lo"), inNetns(netns, "ls", "/sys/class/net").lines().sorted().toList());
        assertEquals(attachment.macAddress(), inNetns(netns, "cat", "/sys/class/net/eth0/address").strip());
        assertTrue(inNetns(netns, "ip", "-o", "-4", "addr", "show", "dev", "eth0")
                .contains("inet " + attachment.ipAddress() + "/24"));
        assertTrue(inNetns(netns, "ip", "route", "show", "default").startsWith("default via " + attachment.gateway() + " dev eth0"));
        assertTrue(inNetns(netns, "ip", "-o", "link", "show", "lo").contains(",UP"), "lo is up");
        assertEquals(1, veths().size(), "one veth on the bridge");
        assertEquals(List.of(attachment.ipAddress()), leases());
        assertTrue(subnetRules().contains("-s " + settings.subnet() + " ! -d 224.0.0.0/4 ! -o " + settings.bridgeName()
                + " -m comment --comment \"jmachine-engine " + settings.bridgeName() + "\" -j MASQUERADE"), "traffic out of the subnet is masqueraded");
        assertEquals("", natRulesOfThisRun(), "by one rule for the network, none per container");
        assertEquals("1", readIpForward());
        assertEquals(attachment, service.attachment(id).orElseThrow());
    }

    @Test
    void twoContainersOnTheBridgeReachEachOther() {
        String a = containerId();
        String b = containerId();
        NetworkAttachment first = service.attach(a, NetworkMode.defaultBridge());
        NetworkAttachment second = service.attach(b, NetworkMode.defaultBridge());
        assertNotEquals(first.ipAddress(), second.ipAddress());
        assertNotEquals(first.macAddress(), second.macAddress());

        HostProcess.Outcome ping = HostProcess.run(List.of("ip", "netns", "exec", service.namespaces().nameFor(a),
                "/bin/busybox", "ping", "-c", "1", "-W", "2", second.ipAddress()));
        assertEquals(0, ping.exitCode(), ping.describe());
        assertTrue(ping.stdout().contains("1 packets received"), ping.stdout());
        // and the gateway, which is the bridge on the host side
        HostProcess.Outcome gateway = HostProcess.run(List.of("ip", "netns", "exec", service.namespaces().nameFor(b),
                "/bin/busybox", "ping", "-c", "1", "-W", "2", second.gateway()));
        assertEquals(0, gateway.exitCode(), gateway.describe());
    }

    @Test
    void anAttachBegunHasTheNamespaceAloneAndItsFinishAddsTheInterfaces() {
        String id = containerId();
        PendingAttachment pending = service.begin(id, new AttachRequest(NetworkMode.defaultBridge(), List.of(), List.of()));

        String netns = service.namespaces().nameFor(id);
        assertEquals(Path.of("/run/netns", netns), pending.netnsPath());
        assertEquals(List.of("lo"), inNetns(netns, "ls", "/sys/class/net").lines().toList(), "no eth0 before finish");
        assertEquals(List.of(), veths());
        NetworkAttachment attachment = pending.finish();
        assertEquals(List.of("eth0", "lo"), inNetns(netns, "ls", "/sys/class/net").lines().sorted().toList());
        assertTrue(inNetns(netns, "ip", "-o", "link", "show", "lo").contains(",UP"), "lo is up");
        assertEquals(List.of(attachment.ipAddress()), leases());
    }

    @Test
    void noneGivesANamespaceWithOnlyLoUp() {
        String id = containerId();
        NetworkAttachment attachment = service.attach(id, new NetworkMode.None());
        String netns = service.namespaces().nameFor(id);
        assertEquals(Path.of("/run/netns", netns), attachment.netnsPath());
        assertNull(attachment.ipAddress());
        assertEquals("lo", inNetns(netns, "ls", "/sys/class/net").strip());
        assertTrue(inNetns(netns, "ip", "-o", "link", "show", "lo").contains(",UP"), "lo is up");
        HostProcess.Outcome ping = HostProcess.run(List.of("ip", "netns", "exec", netns, "/bin/busybox", "ping", "-c", "1", "-W", "2", "127.0.0.1"));
        assertEquals(0, ping.exitCode(), ping.describe());
        assertEquals(List.of(), leases());
        assertEquals(List.of(), veths());
    }

    @Test
    void hostModeMakesNoNamespace() {
        String id = containerId();
        NetworkAttachment attachment = service.attach(id, new NetworkMode.Host());
        assertNull(attachment.netnsPath());
        assertFalse(service.namespaces().exists(id));
        assertEquals(new NetworkMode.Host(), service.attachment(id).orElseThrow().mode());
        service.detach(id);
        assertTrue(service.attachment(id).isEmpty());
    }

    @Test
    void detachRemovesTheVethTheNamespaceTheLeaseAndTheNatRulesAndCanBeRepeated() {
        String id = containerId();
        service.attach(id, NetworkMode.defaultBridge());
        assertEquals(1, veths().size());

        service.detach(id);
        assertFalse(service.namespaces().exists(id));
        assertEquals(List.of(), veths());
        assertEquals(List.of(), leases());
        assertEquals("", natRulesOfThisRun());
        assertTrue(service.attachment(id).isEmpty());

        service.detach(id);
        service.detach(containerId()); // never attached
        assertTrue(service.bridge().bridgeExists(), "the bridge stays for the next container");
    }

    @Test
    void attachingAgainAfterACrashStartsFromScratch() {
        String id = containerId();
        service.attach(id, NetworkMode.defaultBridge());
        NetworkAttachment again = NetworkService.create(settings, MAPPER).attach(id, NetworkMode.defaultBridge());
        assertEquals(List.of(again.ipAddress()), leases(), "the first address was released");
        assertEquals(1, veths().size());
    }

    @Test
    void aSweepAfterACrashRemovesWhatContainersThatAreGoneLeft() throws Exception {
        String gone = containerId();
        String alive = containerId();
        service.attach(gone, NetworkMode.defaultBridge());
        NetworkAttachment survivor = service.attach(alive, NetworkMode.defaultBridge());
        // a namespace we made but never recorded, and a bare mount point from an `ip netns add` cut short
        String unrecorded = settings.netnsPrefix() + "0123456789ab";
        HostProcess.runChecked(List.of("ip", "netns", "add", unrecorded));
        Path bare = NetworkNamespaces.NETNS_DIR.resolve(settings.netnsPrefix() + "ba0e00000000");
        Files.createFile(bare);

        // the engine restarts: a new service knows only what is on disk and in /run
        NetworkService restarted = NetworkService.create(settings, MAPPER);
        assertEquals(List.of(alive, gone).stream().sorted().toList(), restarted.attachedContainers());
        assertEquals(3, restarted.sweep(Set.of(alive)), "one container and two stray namespaces cleaned");

        assertEquals(List.of(restarted.namespaces().nameFor(alive)), restarted.namespaces().list());
        assertFalse(Files.exists(bare));
        assertEquals(List.of(survivor.ipAddress()), leases());
        assertEquals(1, veths().size());
        assertTrue(subnetRules().contains("-s " + settings.subnet()), "the survivor still gets out");
    }

    @Test
    void aSweepWhoseDelFailsKeepsTheRecordForTheNextSweepInsteadOfFailing() throws Exception {
        String id = containerId();
        service.attach(id, NetworkMode.defaultBridge());
        Path record;
        try (var files = Files.walk(stateRoot)) {
            record = files.filter(f -> f.getFileName().toString().startsWith(id)).findFirst().orElseThrow();
        }
        String good = Files.readString(record);
        assertTrue(good.contains("\"type\":\"bridge\""), good);
        Files.writeString(record, good.replace("\"type\":\"bridge\"", "\"type\":\"jm-no-such-plugin\""));

        NetworkService restarted = NetworkService.create(settings, MAPPER);
        restarted.sweep(Set.of()); // threw before, and so stopped the engine from starting
        assertEquals(List.of(id), restarted.attachedContainers(), "its record stays for a retry");

        Files.writeString(record, good);
        assertEquals(1, NetworkService.create(settings, MAPPER).sweep(Set.of()), "the next sweep finishes the job");
    }

    @Test
    void detachCleansUpEvenWhenTheNamespaceWasDeletedBehindItsBack() {
        String id = containerId();
        service.attach(id, NetworkMode.defaultBridge());
        HostProcess.runChecked(List.of("ip", "netns", "delete", service.namespaces().nameFor(id)));

        service.detach(id);
        assertEquals(List.of(), leases());
        assertEquals("", natRulesOfThisRun(), "the plugin could not find these without the namespace");
        assertEquals(List.of(), vethsOnceSettled(), "the host end goes with the namespace");
    }

    /** The kernel tears a namespace down, and the veths in it, on a work queue after its last reference goes. */
    private static List<String> vethsOnceSettled() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<String> veths = veths();
        while (!veths.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            veths = veths();
        }
        return veths;
    }

    private static String containerId() {
        return HexFormat.of().formatHex(RANDOM.generateSeed(32));
    }

    private static String inNetns(String netns, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        argv.addAll(List.of(command));
        return HostProcess.runChecked(argv).stdout();
    }

    private static List<String> veths() {
        if (!service.bridge().bridgeExists()) {
            return List.of();
        }
        return HostProcess.runChecked(List.of("ip", "-o", "link", "show", "master", settings.bridgeName())).stdout().lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private static List<String> leases() {
        Path dir = settings.ipamDataDir().resolve("bridge");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            // host-local names each lease file by its address; the rest is its bookkeeping
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The NAT rules that mention this run's subnet. */
    /** The NAT rules of this run's containers (not the network's own, {@link #subnetRules}). */
    private static String natRulesOfThisRun() {
        String prefix = settings.subnet().toString().substring(0, settings.subnet().toString().lastIndexOf('.'));
        return String.join("\n", HostProcess.runChecked(List.of("iptables", "-w", "-t", "nat", "-S")).stdout().lines()
                .filter(l -> l.contains(prefix + ".") && !l.contains("jmachine-engine ")).toList());
    }

    private static String subnetRules() {
        return String.join("\n", HostProcess.runChecked(List.of("iptables", "-w", "-t", "nat", "-S", "POSTROUTING")).stdout().lines()
                .filter(l -> l.contains("jmachine-engine " + settings.bridgeName() + "\"")).toList());
    }

    private static String readIpForward() {
        try {
            return Files.readString(BridgeNetwork.IP_FORWARD).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A 10.x.y.0/24 that none of the host's routes overlaps, so the test bridge never captures real traffic. */
    private static Ipv4Subnet freeSubnet() {
        List<Ipv4Subnet> routes = HostProcess.runChecked(List.of("ip", "-4", "route", "show", "table", "all")).stdout().lines()
                .map(l -> l.split("\\s+"))
                .map(words -> words[0].equals("local") || words[0].equals("broadcast") ? words[1] : words[0])
                .filter(dst -> dst.matches("[0-9.]+(/[0-9]+)?"))
                .map(dst -> dst.contains("/") ? dst : dst + "/32")
                .map(NetworkServiceIT::asSubnet)
                .toList();
        for (int attempt = 0; attempt < 100; attempt++) {
            Ipv4Subnet candidate = Ipv4Subnet.parse("10." + (100 + RANDOM.nextInt(150)) + "." + RANDOM.nextInt(256) + ".0/24");
            if (routes.stream().noneMatch(candidate::overlaps)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 among the host's routes");
    }

    private static Ipv4Subnet asSubnet(String cidr) {
        int slash = cidr.indexOf('/');
        int length = Integer.parseInt(cidr.substring(slash + 1));
        int address = Ipv4Subnet.parseAddress(cidr.substring(0, slash));
        int bounded = Math.max(8, Math.min(30, length));
        int mask = -1 << (32 - bounded);
        return new Ipv4Subnet(address & mask, bounded);
    }
}
