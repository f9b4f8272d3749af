package io.jmachine.drivers.kvm;

import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.image.ImageDigests;

import java.nio.file.Path;

/**
 * A machine's disks as paths on the libvirt host: its qcow2 overlay, its cloud-init seed, and the bundle disk (null for
 * none) that its first boot reads.
 */
record MachineVolumes(String disk, String seed, String bundle) {

    /** The image's files as shared volumes of the pool (each uploaded once per libvirt host): the image QEMU boots. */
    static GuestImage share(GuestImage local, LibvirtStorage storage, ImageDigests digests, Progress progress) {
        String disk = storage.shared(local.disk(), digests.sha256(local.disk()), local.diskFormat(), "the base image " + local.disk().getFileName()
                + " of " + local.disk().getParent(), progress);
        if (!local.directKernelBoot()) {
            return GuestImage.bootsItself(Path.of(disk));
        }
        String kernel = storage.shared(local.kernel(), digests.sha256(local.kernel()), "raw", "its kernel", progress);
        String initrd = storage.shared(local.initrd(), digests.sha256(local.initrd()), "raw", "its initrd", progress);
        return new GuestImage(Path.of(disk), Path.of(kernel), Path.of(initrd), local.rootDevice());
    }

    /**
     * Makes the machine's volumes: the overlay on {@code image} (by libvirt), the seed, and the bundle padded with zeros
     * to whole 512-byte sectors (QEMU shows a raw disk's size rounded down).
     */
    static MachineVolumes make(String machine, GuestImage image, String baseFormat, int diskSizeMiB, Path seed, Path bundle,
                               LibvirtStorage storage, LibvirtStorage.Owner owner, Progress progress) {
        String disk = storage.overlay(VolumeNames.disk(machine), image.disk().toString(), baseFormat, diskSizeMiB, owner);
        String seedPath = storage.upload(VolumeNames.seed(machine), seed, 0, owner, "the cloud-init seed", progress);
        String bundlePath = null;
        if (bundle != null) {
            long size = bundle.toFile().length();
            bundlePath = storage.upload(VolumeNames.bundle(machine), bundle, (512 - size % 512) % 512, owner, "the engine bundle", progress);
        }
        return new MachineVolumes(disk, seedPath, bundlePath);
    }
}
