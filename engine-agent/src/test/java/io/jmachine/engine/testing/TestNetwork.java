package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bridge and subnet of a test's own, so that tests never share the host's jm0 or each other's addresses:
 * a name {@code jmt<hex>} and a 10.x.y.0/24 that no route or address of the host overlaps.
 */
public record TestNetwork(String bridge, String subnet) {

    private static final Pattern CIDR = Pattern.compile("(?<![0-9.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?:/(\\d{1,2}))?");

    public static TestNetwork pick() throws IOException, InterruptedException {
        SecureRandom random = new SecureRandom();
        List<long[]> used = usedRanges();
        for (int attempt = 0; attempt < 100; attempt++) {
            int second = 64 + random.nextInt(190);
            int third = random.nextInt(255);
            long network = (10L << 24) | ((long) second << 16) | ((long) third << 8);
            if (used.stream().noneMatch(r -> overlaps(r[0], r[1], network, 24))) {
                byte[] name = new byte[5];
                random.nextBytes(name);
                String bridge = "jmt" + HexFormat.of().formatHex(name).substring(0, 9);
                return new TestNetwork(bridge, "10." + second + "." + third + ".0/24");
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 for a test network: " + used.size() + " ranges in use");
    }

    /** Every network and address the host knows of, from all routing tables and interfaces. */
    private static List<long[]> usedRanges() throws IOException, InterruptedException {
        List<long[]> ranges = new ArrayList<>();
        String text = HostCommands.output("ip", "-4", "route", "show", "table", "all") + "\n" + HostCommands.output("ip", "-4", "addr");
        Matcher m = CIDR.matcher(text);
        while (m.find()) {
            String[] octets = m.group(1).split("\\.");
            long address = 0;
            for (String octet : octets) {
                address = (address << 8) | Integer.parseInt(octet);
            }
            ranges.add(new long[] {address, m.group(2) == null ? 32 : Integer.parseInt(m.group(2))});
        }
        return ranges;
    }

    private static boolean overlaps(long a, long aLength, long b, long bLength) {
        long shorter = Math.min(aLength, bLength);
        long mask = shorter == 0 ? 0 : (0xFFFFFFFFL << (32 - shorter)) & 0xFFFFFFFFL;
        return (a & mask) == (b & mask);
    }

    public boolean bridgeExists() {
        return Files.exists(Path.of("/sys/class/net", bridge));
    }

    /** The host ends of veths still on the bridge. */
    public List<String> portsOnBridge() throws IOException {
        Path ports = Path.of("/sys/class/net", bridge, "brif");
        if (!Files.isDirectory(ports)) {
            return List.of();
        }
        try (var list = Files.list(ports)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The engine keeps its bridge between containers; a test removes its own. */
    public void removeBridge() throws IOException, InterruptedException {
        io.jmachine.engine.network.SubnetMasquerade.remove(bridge, io.jmachine.engine.network.Ipv4Subnet.parse(subnet));
        if (bridgeExists()) {
            Process p = new ProcessBuilder("ip", "link", "delete", bridge, "type", "bridge").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 && bridgeExists()) {
                throw new IOException("cannot remove test bridge " + bridge + ": " + out);
            }
        }
    }
}
