package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.RecordingProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostSetupTest {

    private final RecordingProgress progress = new RecordingProgress();
    private final Path log = Path.of("/nonexistent/host-setup.log");

    @Test
    void withoutRootTheMissingPackagesAreNamedWithTheCommandToRun() {
        HostSetup setup = new HostSetup(false, progress, log);
        PreCreateCheckException e = assertThrows(PreCreateCheckException.class, () -> setup.install(List.of("qemu-utils", "mmdebstrap")));
        assertEquals("the kvm driver needs packages this host lacks; as root run: apt-get update && apt-get install -y qemu-utils mmdebstrap",
                e.getMessage());
    }

    @Test
    void nothingMissingInstallsNothing() {
        new HostSetup(false, progress, log).install(List.of());
        assertEquals(List.of(), progress.reports());
    }

    @Test
    void aLibvirtThatAnswersIsLeftAlone() {
        AtomicInteger checks = new AtomicInteger();
        new HostSetup(true, progress, log).startLibvirt("qemu:///system", checks::incrementAndGet);
        assertEquals(1, checks.get());
        assertEquals(List.of(), progress.reports(), "nothing to say");
    }

    @Test
    void aRemoteOrUnprivilegedLibvirtThatDoesNotAnswerSaysHowToStartIt() {
        Runnable down = () -> {
            throw new DriverException("cannot connect to qemu+ssh://h/system");
        };
        PreCreateCheckException remote = assertThrows(PreCreateCheckException.class,
                () -> new HostSetup(true, progress, log).startLibvirt("qemu+ssh://h/system", down));
        assertTrue(remote.getMessage().startsWith("cannot connect to qemu+ssh://h/system; start libvirt as root: "), remote.getMessage());
        assertThrows(PreCreateCheckException.class, () -> new HostSetup(false, progress, log).startLibvirt("qemu:///system", down));
    }

    /** A stand-in for /dev/kvm, shared with the file's own group (which surely exists). */
    private static Path rootOnlyDevice(Path dir) throws IOException {
        Path device = Files.createFile(dir.resolve("kvm"));
        Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-------"));
        return device;
    }

    private static String groupOf(Path file) throws IOException {
        return Files.readAttributes(file, PosixFileAttributes.class).group().getName();
    }

    @Test
    void asRootARootOnlyKvmDeviceIsGivenToTheGroupAsUdevDoes(@TempDir Path dir) throws IOException {
        Path device = rootOnlyDevice(dir);
        new HostSetup(true, progress, log).shareKvmDevice(device, groupOf(device));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(device)));
        assertTrue(progress.text().contains("was root-only"), progress.text());
    }

    @Test
    void withoutRootARootOnlyKvmDeviceIsLeftWithTheCommandToRun(@TempDir Path dir) throws IOException {
        Path device = rootOnlyDevice(dir);
        new HostSetup(false, progress, log).shareKvmDevice(device, groupOf(device));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(device)));
        assertTrue(progress.text().contains("chgrp " + groupOf(device) + " " + device + " && chmod 0660 " + device), progress.text());
    }

    @Test
    void aSharedOrMissingKvmDeviceOrAMissingGroupIsLeftAlone(@TempDir Path dir) throws IOException {
        Path device = rootOnlyDevice(dir);
        Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-rw----"));
        HostSetup setup = new HostSetup(true, progress, log);
        setup.shareKvmDevice(device, groupOf(device));
        setup.shareKvmDevice(dir.resolve("missing"), groupOf(device));
        Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-------"));
        setup.shareKvmDevice(device, "no-such-group-jmachine");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(device)));
        assertEquals(List.of(), progress.reports(), progress.text());
        assertFalse(Files.exists(dir.resolve("missing")));
    }
}
