package io.jmachine.engine.network;

/**
 * An IPv4 network in CIDR form, e.g. 172.29.0.0/16. The gateway is the first host address, as Docker's
 * default bridge and host-local IPAM choose it.
 */
public record Ipv4Subnet(int network, int prefixLength) {

    public Ipv4Subnet {
        if (prefixLength < 8 || prefixLength > 30) {
            throw new IllegalArgumentException("subnet prefix /" + prefixLength + " is out of range: use /8 to /30");
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("subnet " + format(network) + "/" + prefixLength
                    + " has host bits set: use " + format(network & mask(prefixLength)) + "/" + prefixLength);
        }
    }

    /** Parses "a.b.c.d/len". */
    public static Ipv4Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid subnet " + cidr + ": use CIDR form, e.g. 172.29.0.0/16");
        }
        int length;
        try {
            length = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid subnet " + cidr + ": the prefix length is not a number");
        }
        return new Ipv4Subnet(parseAddress(cidr.substring(0, slash)), length);
    }

    /** A bridge's own address and the subnet it is in. */
    public record BridgeAddress(Ipv4Subnet subnet, String address) {
    }

    /**
     * Parses dockerd's --bip: "192.168.5.1/24" is the bridge's address in 192.168.5.0/24; a network address,
     * "192.168.5.0/24", leaves the bridge the first host (address null).
     */
    public static BridgeAddress bridgeAddress(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid bridge address " + cidr + ": use CIDR form, e.g. 172.29.0.1/16");
        }
        int address = parseAddress(cidr.substring(0, slash));
        Ipv4Subnet network;
        try {
            network = new Ipv4Subnet(address & mask(Integer.parseInt(cidr.substring(slash + 1))), Integer.parseInt(cidr.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid bridge address " + cidr + ": the prefix length is not a number");
        }
        if (address == network.network) {
            return new BridgeAddress(network, null);
        }
        if ((address | ~mask(network.prefixLength)) == address) {
            throw new IllegalArgumentException("invalid bridge address " + cidr + ": that is the broadcast address of "
                    + network + "; give the bridge a host address, e.g. " + network.gateway() + "/" + network.prefixLength);
        }
        return new BridgeAddress(network, format(address));
    }

    /** Parses a dotted-quad IPv4 address into its 32 bits. */
    public static int parseAddress(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address " + address);
        }
        int bits = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid IPv4 address " + address);
            }
            if (octet < 0 || octet > 255 || part.length() > 3 || part.startsWith("+")) {
                throw new IllegalArgumentException("invalid IPv4 address " + address);
            }
            bits = bits << 8 | octet;
        }
        return bits;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    public String gateway() {
        return format(network + 1);
    }

    public boolean contains(String address) {
        return (parseAddress(address) & mask(prefixLength)) == network;
    }

    public boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
