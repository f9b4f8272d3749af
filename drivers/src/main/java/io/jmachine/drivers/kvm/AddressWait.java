package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits for a guest on a libvirt network to take a DHCP lease, so that its IP is known before SSH is tried. The
 * guest asks for one early in its boot; under TCG that is a minute or more after the domain starts.
 */
final class AddressWait {

    private final GuestAddresses addresses;
    private final Duration timeout;
    private final Duration pause;
    private final PrintStream progress;

    AddressWait(GuestAddresses addresses, Duration timeout, Duration pause, PrintStream progress) {
        this.addresses = addresses;
        this.timeout = timeout;
        this.pause = pause;
        this.progress = progress;
    }

    String await(String network, String domain, String mac) {
        progress.println("(" + domain + ") waiting for the VM's address on the libvirt network " + network + " (MAC " + mac + ")");
        progress.flush();
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<String> address = addresses.ipv4(network, domain, mac);
            if (address.isPresent()) {
                progress.println("(" + domain + ") the VM has the address " + address.get());
                progress.flush();
                return address.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DriverException(domain + " took no DHCP lease on the libvirt network " + network + " within " + timeout.toSeconds()
                        + " s; look at `virsh net-dhcp-leases " + network + "` and the VM's console (virsh console " + domain
                        + "): does the network run DHCP, and does the image configure its NIC with DHCP?");
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("waiting for the address of " + domain + " was interrupted", e);
            }
        }
    }
}
