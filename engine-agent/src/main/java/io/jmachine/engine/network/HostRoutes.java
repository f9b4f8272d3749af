package io.jmachine.engine.network;

import java.util.ArrayList;
import java.util.List;

/** The IPv4 destinations the host already routes somewhere, which a new network's subnet must not cover. */
final class HostRoutes {

    /** A route's destination: {@code network/prefixLength}, 0 to 32 bits (unlike a subnet, any length). */
    record Destination(int network, int prefixLength) {
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
            destinations.add(new Destination(address & (-1 << (32 - length)), length));
        }
        return destinations;
    }
}
