package io.jmachine.engine.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The IPv4 destinations the host already routes somewhere, which a new network's subnet must not cover. */
public final class HostRoutes {

    /** A route's destination: {@code network/prefixLength}, 0 to 32 bits (unlike a subnet, any length), and its device (or null). */
    record Destination(int network, int prefixLength, String device) {
        Destination(int network, int prefixLength) {
            this(network, prefixLength, null);
        }

        @Override
        public String toString() {
            return Ipv4Subnet.format(network) + "/" + prefixLength + (device == null ? "" : " on " + device);
        }

        boolean overlaps(Ipv4Subnet subnet) {
            int shorter = Math.min(prefixLength, subnet.prefixLength());
            int mask = shorter == 0 ? 0 : -1 << (32 - shorter);
            return (network & mask) == (subnet.network() & mask);
        }
    }

    private HostRoutes() {
    }

    /** Every table's routes, from {@code ip -4 route show table all}; default routes are left out. */
    static List<Destination> read() {
        return parse(HostProcess.runChecked(List.of("ip", "-4", "route", "show", "table", "all")).stdout());
    }

    static List<Destination> parse(String ipRouteOutput) {
        List<Destination> destinations = new ArrayList<>();
        for (String line : ipRouteOutput.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            // "local 10.0.0.1 dev …", "broadcast …", "unreachable 10.9.0.0/16", or plainly "10.1.0.0/24 dev …"
            String destination = words[0].matches("[a-z]+") && words.length > 1 ? words[1] : words[0];
            if (!destination.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+(/[0-9]+)?")) {
                continue; // "default", or a type word with no address
            }
            int slash = destination.indexOf('/');
            int length = slash < 0 ? 32 : Integer.parseInt(destination.substring(slash + 1));
            if (length == 0) {
                continue;
            }
            int address = Ipv4Subnet.parseAddress(slash < 0 ? destination : destination.substring(0, slash));
            int dev = java.util.Arrays.asList(words).indexOf("dev");
            destinations.add(new Destination(address & (-1 << (32 - length)), length, dev >= 0 && dev + 1 < words.length ? words[dev + 1] : null));
        }
        return destinations;
    }

    /** The first route into {@code subnet} that goes elsewhere than {@code ownBridge}: traffic for the subnet would follow it. */
    static Optional<Destination> foreign(Ipv4Subnet subnet, String ownBridge, List<Destination> routes) {
        return routes.stream().filter(r -> r.overlaps(subnet) && !ownBridge.equals(r.device())).findFirst();
    }

    /**
     * Why the default bridge cannot have its subnet, as dockerd refuses to start: the host routes part of it to another
     * interface (a stopped dockerd's docker0, say), where its containers' traffic would go. Empty when nothing does.
     */
    public static Optional<String> foreignRouteInto(NetworkSettings settings) {
        return foreignRouteInto(settings, read());
    }

    static Optional<String> foreignRouteInto(NetworkSettings settings, List<HostRoutes.Destination> routes) {
        return foreign(settings.subnet(), settings.bridgeName(), routes).map(route -> "the default bridge network's subnet "
                + settings.subnet() + " overlaps the host's route " + route + ": its containers' traffic would go there; "
                + (route.device() == null ? "remove that route" : "remove " + route.device() + " (ip link delete " + route.device() + ")")
                + " or give the engine another subnet with --bip");
    }
}
