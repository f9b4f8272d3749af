package io.jmachine.drivers.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A base disk the machines' overlays are made on.
 *
 * @param disk   the qcow2 (or raw) base image; never written to once machines use it
 * @param kernel the kernel to boot directly, or null to boot the disk's own boot loader
 * @param initrd the initrd beside that kernel, or null
 * @param rootDevice the root= of the kernel command line, or null with no direct kernel boot
 */
public record GuestImage(Path disk, Path kernel, Path initrd, String rootDevice) {

    /** An image the user gave (--kvm-image): a cloud image with its own boot loader. */
    public static GuestImage bootsItself(Path disk) {
        return new GuestImage(disk, null, null, null);
    }

    public boolean directKernelBoot() {
        return kernel != null;
    }

    /** The format qemu-img must be told for a backing file (it refuses to guess): qcow2 by its magic, else raw. */
    public String diskFormat() {
        try (InputStream in = Files.newInputStream(disk)) {
            byte[] magic = in.readNBytes(4);
            return Arrays.equals(magic, new byte[] {'Q', 'F', 'I', (byte) 0xfb}) ? "qcow2" : "raw";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image " + disk, e);
        }
    }
}
