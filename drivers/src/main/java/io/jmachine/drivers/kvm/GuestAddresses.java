package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds a guest's IPv4 address on a libvirt network by its MAC address. libvirt-java 0.5.2 binds neither
 * virNetworkGetDHCPLeases nor virDomainInterfaceAddresses, so this asks virsh: the network's DHCP leases first (NAT and
 * isolated networks, whose dnsmasq libvirt runs), then the host's ARP table (bridged networks, whose DHCP server is
 * elsewhere).
 */
public interface GuestAddresses {

    /**
     * One address the guest was seen with.
     *
     * @param expiry when the DHCP lease ends ({@code YYYY-MM-DD HH:MM:SS}, so that later sorts later), or "" for an address
     *               seen in the ARP table: a guest that renews or takes a lease moves it later
     */
    record Lease(String address, String expiry) {}

    /** The guest's newest lease (or address seen), or empty while it has none yet. */
    Optional<Lease> ipv4(String network, String domain, String mac);

    /** The lookup through {@code virsh -c URI}. */
    static GuestAddresses virsh(String uri) {
        return (network, domain, mac) -> {
            Path virsh = HostTools.find("virsh").orElseThrow(() -> new DriverException(
                    "virsh is missing: install libvirt-clients (it reads the guest's address from the network's DHCP leases)"));
            Optional<Lease> leased = newestLease(HostTools.run(List.of(virsh.toString(), "-c", uri, "net-dhcp-leases", network,
                    "--mac", mac), 30), mac);
            if (leased.isPresent()) {
                return leased;
            }
            try {
                return firstInterfaceAddress(HostTools.run(List.of(virsh.toString(), "-c", uri, "domifaddr", domain, "--source", "arp"), 30), mac)
                        .map(address -> new Lease(address, ""));
            } catch (DriverException notRunningYet) {
                return Optional.empty();
            }
        };
    }

    /**
     * The newest IPv4 lease of {@code mac} in {@code virsh net-dhcp-leases} output, whose rows are
     * {@code EXPIRY-DATE EXPIRY-TIME MAC PROTOCOL ADDRESS/PREFIX HOSTNAME CLIENT-ID}: after a restart the old lease may
     * still be listed beside the new one, and the later expiry is the one the guest holds.
     */
    static Optional<Lease> newestLease(String table, String mac) {
        List<Lease> leases = new ArrayList<>();
        for (String line : table.lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 5 && fields[2].equalsIgnoreCase(mac) && fields[3].toLowerCase(Locale.ROOT).equals("ipv4")) {
                leases.add(new Lease(withoutPrefix(fields[4]), fields[0] + " " + fields[1]));
            }
        }
        return leases.stream().max(Comparator.comparing(Lease::expiry));
    }

    /** The IPv4 address of the interface with {@code mac} in {@code virsh domifaddr} output (NAME MAC PROTOCOL ADDRESS/PREFIX). */
    static Optional<String> firstInterfaceAddress(String table, String mac) {
        for (String line : table.lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[1].equalsIgnoreCase(mac) && fields[2].equalsIgnoreCase("ipv4")) {
                return Optional.of(withoutPrefix(fields[3]));
            }
        }
        return Optional.empty();
    }

    private static String withoutPrefix(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }
}
