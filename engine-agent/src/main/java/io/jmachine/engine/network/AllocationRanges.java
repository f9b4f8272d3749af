package io.jmachine.engine.network;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The addresses of a bridge network that containers get when they ask for none, as dockerd's IPAM hands
 * them out: the IPRange (else the whole subnet) without the subnet's network and broadcast addresses, the
 * gateway and the AuxiliaryAddresses. host-local knows no exclusions, so the rest is given to it as
 * contiguous runs, one range each.
 */
final class AllocationRanges {

    /** First and last address of one run, inclusive, as 32-bit values. */
    record Run(int first, int last) {
        String firstAddress() {
            return Ipv4Subnet.format(first);
        }

        String lastAddress() {
            return Ipv4Subnet.format(last);
        }
    }

    /** An IPv4 CIDR of any prefix length (an IPRange may be a single address), host bits cleared. */
    record Cidr(int network, int prefixLength) {
        static Cidr parse(String cidr) {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid range " + cidr + ": use CIDR form, e.g. 172.29.5.128/25");
            }
            int length;
            try {
                length = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid range " + cidr + ": the prefix length is not a number");
            }
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("invalid range " + cidr + ": the prefix length must be 0 to 32");
            }
            return new Cidr(Ipv4Subnet.parseAddress(cidr.substring(0, slash)) & mask(length), length);
        }

        long firstValue() {
            return Integer.toUnsignedLong(network);
        }

        long lastValue() {
            return firstValue() + (1L << (32 - prefixLength)) - 1;
        }

        boolean within(Ipv4Subnet subnet) {
            return prefixLength >= subnet.prefixLength() && (network & mask(subnet.prefixLength())) == subnet.network();
        }
    }

    private AllocationRanges() {
    }

    /** The first address of {@code ipRange} a container could get: dockerd's gateway when none is given. */
    static String firstUsable(Ipv4Subnet subnet, String ipRange) {
        long first = Math.max(Cidr.parse(ipRange).firstValue(), Integer.toUnsignedLong(subnet.network()) + 1);
        return Ipv4Subnet.format((int) first);
    }

    /**
     * @param ipRange  CIDR within the subnet, or null for the whole subnet
     * @param reserved addresses never handed out (the gateway, auxiliary addresses); those outside are ignored
     */
    static List<Run> of(Ipv4Subnet subnet, String ipRange, Collection<String> reserved) {
        long subnetFirst = Integer.toUnsignedLong(subnet.network());
        long subnetLast = subnetFirst + (1L << (32 - subnet.prefixLength())) - 1;
        long first = subnetFirst + 1;
        long last = subnetLast - 1;
        if (ipRange != null) {
            Cidr range = Cidr.parse(ipRange);
            first = Math.max(first, range.firstValue());
            last = Math.min(last, range.lastValue());
        }
        TreeSet<Long> holes = new TreeSet<>();
        for (String address : reserved) {
            holes.add(Integer.toUnsignedLong(Ipv4Subnet.parseAddress(address)));
        }
        List<Run> runs = new ArrayList<>();
        long start = first;
        for (long hole : holes.subSet(first, true, last, true)) {
            if (hole > start) {
                runs.add(new Run((int) start, (int) (hole - 1)));
            }
            start = hole + 1;
        }
        if (start <= last) {
            runs.add(new Run((int) start, (int) last));
        }
        return runs;
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
