package io.jmachine.drivers.kvm.image;

import java.util.List;

/**
 * What the default guest image is made of.
 *
 * @param version  bumped whenever the build steps change, so that cached images of older steps are not reused
 * @param packages installed beyond Debian's required ones: boot, SSH, cloud-init and everything the engine runs with, so
 *                 that the guest (whose user-mode network has no route out) needs no package download
 */
public record DebianImageRecipe(int version, String suite, String mirror, List<String> packages, int rootSizeMiB) {

    // e2fsprogs is not Essential: without it cloud-init cannot resize2fs the root to --kvm-disk-size;
    // bindfs shows the host's folders (virtio-fs) to every user of the guest and creates files as their caller (GuestMounts)
    static final List<String> PACKAGES = List.of(
            "systemd", "systemd-sysv", "udev", "dbus", "linux-image-cloud-amd64", "initramfs-tools",
            "openssh-server", "cloud-init", "sudo", "iproute2", "netbase", "ca-certificates", "e2fsprogs",
            "runc", "conmon", "containernetworking-plugins", "iptables", "tini", "golang-github-containers-common",
            "bindfs");

    public static DebianImageRecipe bookworm(String mirror) {
        return new DebianImageRecipe(2, "bookworm", mirror, PACKAGES, 3072);
    }

    /** Everything that changes the image, for the cache key. */
    String fingerprint() {
        return version + "\n" + suite + "\n" + mirror + "\n" + String.join(",", packages) + "\n" + rootSizeMiB;
    }
}
