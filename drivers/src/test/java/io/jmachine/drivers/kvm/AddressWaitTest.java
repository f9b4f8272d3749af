package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.RecordingProgress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressWaitTest {

    private final RecordingProgress progress = new RecordingProgress();

    private AddressWait waitOn(List<Optional<GuestAddresses.Lease>> answers, Duration timeout) {
        Deque<Optional<GuestAddresses.Lease>> queue = new ArrayDeque<>(answers);
        GuestAddresses addresses = (network, domain, mac) -> queue.size() > 1 ? queue.poll() : queue.peek();
        return new AddressWait(addresses, timeout, Duration.ofMillis(1));
    }

    @Test
    void aLeaseLeftFromTheLastRunIsNotTakenForTheNewOne() {
        GuestAddresses.Lease old = new GuestAddresses.Lease("10.213.77.110", "2030-01-01 10:00:00");
        GuestAddresses.Lease renewed = new GuestAddresses.Lease("10.213.77.120", "2030-01-01 10:05:00");
        AddressWait wait = waitOn(List.of(Optional.of(old), Optional.of(old), Optional.of(renewed)), Duration.ofSeconds(10));
        assertEquals("10.213.77.120", wait.await("net", "vm1", "52:54:00:00:00:01", Optional.of(old), progress));
        assertTrue(progress.reports().contains("the VM has the address 10.213.77.120 on the libvirt network net"), progress.text());
    }

    @Test
    void aGuestThatTakesNoLeaseFailsNamingWhatToLookAt() {
        AddressWait wait = waitOn(List.of(Optional.empty()), Duration.ofMillis(20));
        DriverException e = assertThrows(DriverException.class, () -> wait.await("net", "vm1", "52:54:00:00:00:01", Optional.empty(), progress));
        assertTrue(e.getMessage().contains("virsh net-dhcp-leases net"), e.getMessage());
    }
}
