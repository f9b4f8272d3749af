package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;

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
    AddressWait(GuestAddresses addresses, Duration timeout, Duration pause) {
        this.addresses = addresses;
        this.timeout = timeout;
        this.pause = pause;
    }

    /** The guest's newest lease now (before it is started), which {@link #await} must see replaced. */
    Optional<GuestAddresses.Lease> current(String network, String domain, String mac) {
        return addresses.ipv4(network, domain, mac);
    }

    /**
     * Waits for a lease newer than {@code before}: a lease left from the guest's last run stays listed until it expires,
     * and its address may no longer be the guest's.
     */
    String await(String network, String domain, String mac, Optional<GuestAddresses.Lease> before, Progress progress) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        while (true) {
            Optional<GuestAddresses.Lease> lease = addresses.ipv4(network, domain, mac);
            if (lease.isPresent() && before.map(old -> lease.get().expiry().compareTo(old.expiry()) > 0 || old.expiry().isEmpty()).orElse(true)) {
                progress.report("the VM has the address " + lease.get().address() + " on the libvirt network " + network);
                return lease.get().address();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DriverException(domain + " took no DHCP lease on the libvirt network " + network + " within " + timeout.toSeconds()
                        + " s; look at `virsh net-dhcp-leases " + network + "` and the VM's console (virsh console " + domain
                        + "): does the network run DHCP, and does the image configure its NIC with DHCP?");
            }
            progress.status("waiting for the VM's address on the libvirt network " + network + " (MAC " + mac + ", "
                    + Duration.between(started, Instant.now()).toSeconds() + " s)");
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("waiting for the address of " + domain + " was interrupted", e);
            }
        }
    }
}
