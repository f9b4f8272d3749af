package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A network's IPv6 IPAM entries, checked as dockerd checks them at create. They are kept and shown with
 * EnableIPv6; containers get IPv4 addresses only, and a container asking for an IPv6 address is refused.
 */
final class Ipv6Pools {

    private Ipv6Pools() {
    }

    /** 400 for a malformed entry, and for EnableIPv6 without a subnet (dockerd has no default IPv6 pools either). */
    static void validate(List<IpamPool> pools, boolean enableIpv6) {
        for (IpamPool pool : pools) {
            if (pool.subnet() == null) {
                throw EngineException.invalid("an IPv6 IPAM entry needs its Subnet");
            }
            cidr(pool.subnet(), "subnet");
            if (pool.ipRange() != null) {
                cidr(pool.ipRange(), "IPRange");
            }
            if (pool.gateway() != null) {
                address(pool.gateway(), "gateway");
            }
            pool.auxiliaryAddresses().values().forEach(a -> address(a, "auxiliary address"));
        }
        if (enableIpv6 && pools.isEmpty()) {
            throw EngineException.invalid("could not find an available, non-overlapping IPv6 address pool among the defaults "
                    + "to assign to the network: give an IPv6 subnet (--subnet) with --ipv6");
        }
    }

    private static void cidr(String cidr, String what) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw EngineException.invalid("invalid IPv6 " + what + " " + cidr + ": use CIDR form, e.g. fd00:1:2::/64");
        }
        address(cidr.substring(0, slash), what);
        try {
            int length = Integer.parseInt(cidr.substring(slash + 1));
            if (length < 0 || length > 128) {
                throw EngineException.invalid("invalid IPv6 " + what + " " + cidr + ": the prefix length must be 0 to 128");
            }
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid IPv6 " + what + " " + cidr + ": the prefix length is not a number");
        }
    }

    private static void address(String address, String what) {
        if (!address.contains(":") || address.contains("[") || address.contains("]")) {
            throw EngineException.invalid("invalid IPv6 " + what + " " + address);
        }
        try {
            // in brackets, a literal is parsed and never looked up
            if (!(InetAddress.getByName("[" + address + "]") instanceof Inet6Address)) {
                throw EngineException.invalid("invalid IPv6 " + what + " " + address);
            }
        } catch (UnknownHostException e) {
            throw EngineException.invalid("invalid IPv6 " + what + " " + address);
        }
    }
}
