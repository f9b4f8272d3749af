package io.jmachine.drivers.kvm.image;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.FileTrees;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.GuestImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.jmachine.drivers.kvm.HostTools;
import java.util.stream.Stream;

/**
 * Builds the default guest image: mmdebstrap makes the Debian tree, {@code mkfs.ext4 -d} turns it into a file system
 * without a partition table (booted directly with the tree's own kernel and initrd, which are kept beside it), and
 * {@code qemu-img convert} makes that a qcow2 base for the machines' overlays.
 */
final class DebianImageBuilder {

    // files the guest must have before first boot; written by mmdebstrap's customize hook
    private static final String NETWORK_FILE = "[Match]\\nName=eth* en*\\n\\n[Network]\\nDHCP=yes\\n";
    private static final String CLOUD_CFG = "datasource_list: [NoCloud]\\n";

    private final DebianImageRecipe recipe;

    DebianImageBuilder(DebianImageRecipe recipe) {
        this.recipe = recipe;
    }

    static GuestImage imageIn(Path folder) {
        return new GuestImage(folder.resolve("disk.qcow2"), folder.resolve("vmlinuz"), folder.resolve("initrd.img"), "/dev/vda");
    }

    /** Builds the image into {@code folder}; the tools' output goes to {@code folder}.log, shown only on failure or with -D. */
    void build(Path folder, Progress progress) {
        Path work = folder.resolveSibling(folder.getFileName() + ".build-" + ProcessHandle.current().pid());
        Path log = folder.resolveSibling(folder.getFileName() + ".log");
        long started = System.nanoTime();
        try {
            Files.createDirectories(folder.getParent());
            sweepAbandonedBuilds(folder);
            Files.createDirectories(work);
            Files.deleteIfExists(log);
            progress.report("building the default kvm image once (Debian " + recipe.suite() + " from " + recipe.mirror()
                    + ", about 2 min; log: " + log + ")");
            Path tree = work.resolve("rootfs");
            progress.status("building the default kvm image: mmdebstrap");
            HostTools.runLogged(mmdebstrap(tree), log, progress, 1800);
            progress.status("building the default kvm image: the disk");
            copyBootFiles(tree.resolve("boot"), work);
            Path raw = work.resolve("disk.raw");
            HostTools.run(List.of(tool("mkfs.ext4"), "-q", "-L", "root", "-d", tree.toString(), raw.toString(), recipe.rootSizeMiB() + "M"), 600);
            deleteTree(tree);
            HostTools.run(List.of(tool("qemu-img"), "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(),
                    work.resolve("disk.qcow2").toString()), 600);
            Files.delete(raw);
            Files.move(work, folder, StandardCopyOption.ATOMIC_MOVE);
            progress.report(String.format(java.util.Locale.ROOT, "the default kvm image is ready in %s (%d s)", folder,
                    (System.nanoTime() - started) / 1_000_000_000L));
        } catch (IOException e) {
            throw new DriverException("building the default kvm image in " + work + " failed: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** A build interrupted by Ctrl-C never reaches its finally block: its folder stays, named by a process that is gone. */
    private static void sweepAbandonedBuilds(Path folder) throws IOException {
        String prefix = folder.getFileName() + ".build-";
        try (Stream<Path> siblings = Files.list(folder.getParent())) {
            for (Path sibling : siblings.toList()) {
                String name = sibling.getFileName().toString();
                if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+")
                        && ProcessHandle.of(Long.parseLong(name.substring(prefix.length()))).isEmpty()) {
                    deleteTree(sibling);
                }
            }
        }
    }

    private List<String> mmdebstrap(Path tree) {
        List<String> command = new ArrayList<>(List.of(tool("mmdebstrap"), "--variant=apt", "--mode=root", "--format=directory",
                "--include=" + String.join(",", recipe.packages()),
                // the image is shared by every machine: each gets its own host keys (cloud-init) and machine-id
                "--customize-hook=rm -f \"$1\"/etc/ssh/ssh_host_*_key* && : > \"$1\"/etc/machine-id",
                "--customize-hook=printf '" + NETWORK_FILE + "' > \"$1\"/etc/systemd/network/80-jmachine-dhcp.network"
                        + " && chroot \"$1\" systemctl enable systemd-networkd",
                "--customize-hook=printf '" + CLOUD_CFG + "' > \"$1\"/etc/cloud/cloud.cfg.d/90-jmachine.cfg",
                // jmachine's seeds use cloud-init's init stage only; the config and final stages would still start
                // Python for nothing: ~8 s of CPU under TCG while a first boot starts the engine and is provisioned
                "--customize-hook=chroot \"$1\" systemctl mask cloud-config.service cloud-final.service",
                "--customize-hook=printf '/dev/vda / ext4 errors=remount-ro 0 1\\n' > \"$1\"/etc/fstab",
                recipe.suite(), tree.toString(), recipe.mirror()));
        return command;
    }

    private static void copyBootFiles(Path boot, Path work) throws IOException {
        Path kernel = newest(boot, "vmlinuz-");
        Path initrd = newest(boot, "initrd.img-");
        Files.copy(kernel, work.resolve("vmlinuz"));
        Files.copy(initrd, work.resolve("initrd.img"));
    }

    private static Path newest(Path boot, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).max(Comparator.naturalOrder())
                    .orElseThrow(() -> new DriverException("the image has no " + boot + "/" + prefix + "*: the kernel package did not install"));
        }
    }

    private static String tool(String name) {
        return HostTools.find(name).map(Path::toString).orElseThrow(() -> new DriverException(name + " is missing: run scripts/install-host-packages.sh"));
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // a leftover build folder is swept by the next build (sweepAbandonedBuilds)
        }
    }
}
