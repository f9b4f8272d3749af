package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostSetupTest {

    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @Test
    void withoutRootTheMissingPackagesAreNamedWithTheCommandToRun() {
        HostSetup setup = new HostSetup(false, new PrintStream(progress));
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> setup.install(List.of("qemu-utils", "mmdebstrap")));
        assertEquals("the kvm driver needs packages this host lacks; as root run: apt-get update && apt-get install -y qemu-utils mmdebstrap",
                e.getMessage());
    }

    @Test
    void nothingMissingInstallsNothing() {
        new HostSetup(false, new PrintStream(progress)).install(List.of());
        assertEquals(0, progress.size());
    }

    @Test
    void aLibvirtThatAnswersIsLeftAlone() {
        AtomicInteger checks = new AtomicInteger();
        new HostSetup(true, new PrintStream(progress)).startLibvirt("qemu:///system", checks::incrementAndGet);
        assertEquals(1, checks.get());
        assertEquals(0, progress.size(), "nothing to say");
    }

    @Test
    void aRemoteOrUnprivilegedLibvirtThatDoesNotAnswerSaysHowToStartIt() {
        Runnable down = () -> {
            throw new DriverException("cannot connect to qemu+ssh://h/system");
        };
        PreCreateCheckException remote = assertThrows(PreCreateCheckException.class,
                () -> new HostSetup(true, new PrintStream(progress)).startLibvirt("qemu+ssh://h/system", down));
        assertTrue(remote.getMessage().startsWith("cannot connect to qemu+ssh://h/system; start libvirt as root: "), remote.getMessage());
        assertThrows(PreCreateCheckException.class, () -> new HostSetup(false, new PrintStream(progress)).startLibvirt("qemu:///system", down));
    }
}
