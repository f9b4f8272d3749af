package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes this host able to run VMs, so that `create -d kvm` works on a fresh machine: as root it installs the
 * missing Debian packages and starts libvirtd when nothing answers, saying so; otherwise it names the exact
 * commands to run.
 */
final class HostSetup {

    private final boolean root;
    private final Progress progress;
    /** Where the tools it runs (apt-get, libvirtd) write their output. */
    private final Path log;

    HostSetup(boolean root, Progress progress, Path log) {
        this.root = root;
        this.progress = progress;
        this.log = log;
    }

    static HostSetup forThisProcess(Progress progress, Path log) {
        return new HostSetup("root".equals(System.getProperty("user.name")), progress, log);
    }

    /** Installs the packages (apt-get) as root; refuses with the command to run otherwise. */
    void install(List<String> packages) {
        if (packages.isEmpty()) {
            return;
        }
        String command = "apt-get update && apt-get install -y " + String.join(" ", packages);
        if (!root || HostTools.find("apt-get").isEmpty()) {
            throw new PreCreateCheckException("the kvm driver needs packages this host lacks; as root run: " + command);
        }
        progress.report("installing host packages for the kvm driver: " + String.join(" ", packages) + " (log: " + log + ")");
        run(List.of("apt-get", "update", "-q"), command);
        List<String> install = new java.util.ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(packages);
        run(install, command);
    }

    /**
     * Gives a root-only {@code device} (/dev/kvm where no udev rule ran, e.g. in a container) to {@code group} with mode
     * 0660, as Debian's udev rule does. libvirt checks /dev/kvm as its QEMU user: while that user cannot open it,
     * libvirt finds its cached QEMU capabilities stale and probes QEMU again at every define (tens of seconds).
     * Not root, it says what to run instead; a device that is missing or already shared is left alone.
     */
    void shareKvmDevice(Path device, String group) {
        PosixFileAttributes attributes;
        GroupPrincipal kvm;
        try {
            attributes = Files.readAttributes(device, PosixFileAttributes.class);
            kvm = device.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (IOException | UnsupportedOperationException e) {
            return; // no such device or group: nothing to share, or nothing to share it with
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        boolean rootOnly = !permissions.contains(PosixFilePermission.GROUP_WRITE) && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
        if (!rootOnly) {
            return;
        }
        String command = "chgrp " + group + " " + device + " && chmod 0660 " + device;
        if (!root) {
            progress.report("" + device + " is root-only, so libvirt probes QEMU again at every define (slow); as root run: " + command);
            return;
        }
        try {
            Files.getFileAttributeView(device, PosixFileAttributeView.class).setGroup(kvm);
            Set<PosixFilePermission> shared = EnumSet.copyOf(permissions);
            shared.addAll(List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE));
            Files.setPosixFilePermissions(device, shared);
            progress.report("" + device + " was root-only (no udev rule applied); gave it to group " + group
                    + " (0660) as udev does, so that libvirt stops probing QEMU at every define");
        } catch (IOException e) {
            progress.report("could not share " + device + " (" + e.getMessage() + "); defines stay slow until you run: " + command);
        }
    }

    /** Starts libvirtd (and virtlogd) when the local system libvirt does not answer; waits until it does. */
    void startLibvirt(String uri, Runnable check) {
        try {
            check.run();
            return;
        } catch (DriverException notAnswering) {
            if (!uri.equals("qemu:///system") || !root) {
                throw new PreCreateCheckException(notAnswering.getMessage() + "; start libvirt as root: "
                        + (systemd() ? "systemctl start libvirtd" : "virtlogd -d && libvirtd -d"));
            }
        }
        progress.report("libvirtd does not answer at " + uri + "; starting it");
        if (systemd()) {
            run(List.of("systemctl", "start", "libvirtd"), "systemctl start libvirtd");
        } else {
            run(List.of("virtlogd", "-d"), "virtlogd -d");
            run(List.of("libvirtd", "-d"), "libvirtd -d");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                check.run();
                return;
            } catch (DriverException stillDown) {
                if (System.nanoTime() > deadline) {
                    throw new PreCreateCheckException("libvirtd was started but does not answer at " + uri + " after 30 s: "
                            + stillDown.getMessage());
                }
                sleep();
            }
        }
    }

    private static boolean systemd() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    private void run(List<String> command, String whatToRun) {
        try {
            HostTools.runLogged(command, log, progress, TimeUnit.MINUTES.toSeconds(15));
        } catch (DriverException e) {
            throw new PreCreateCheckException(e.getMessage() + "\nrun it yourself: " + whatToRun);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreCreateCheckException("interrupted while waiting for libvirtd");
        }
    }
}
