package io.jmachine.provisioner.install;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.FileTrees;
import io.jmachine.drivers.kvm.HostTools;
import io.jmachine.drivers.kvm.image.ImageDigests;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The engine bundle as a guest's first boot reads it from its bundle disk: an ext4 filesystem that holds the unpacked
 * bundle, made once on this host (tar and mke2fs) and kept in the user's cache under the tarball's digest. The guest
 * mounts it and starts the engine from it at once: unpacking a tar there took ~6 s of CPU under TCG before the engine
 * and sshd could start. Where the image cannot be made, the tarball itself serves, unpacked by the guest as before.
 *
 * @param file         what the disk holds
 * @param size         its length in bytes (the disk is padded after it)
 * @param sha512       its SHA-512, which the guest checks (sha512sum takes 1.0 s of CPU for the image under TCG,
 *                     sha256sum 1.55 s, and the install over SSH waits for the check)
 * @param bundleSha256 the tarball's digest, which the guest records for the install over SSH to compare
 * @param format       how the guest reads {@code file}
 */
public record FirstBootBundle(Path file, long size, String sha512, String bundleSha256, Format format) {

    /** How the bundle disk holds the bundle, by the name the first-boot script tests. */
    public enum Format {
        FILESYSTEM("ext4"), TARBALL("tar.gz");

        private final String scriptName;

        Format(String scriptName) {
            this.scriptName = scriptName;
        }

        public String scriptName() {
            return scriptName;
        }
    }

    /** Images kept: each bundle build makes a new one of ~120 MB; a few for creates that run side by side. */
    private static final int KEPT = 3;
    private static final String IMAGE = ".ext4";
    private static final String DIGEST = ".sha512";
    private static final int BLOCK = 4096;

    /** @param bundleSha256 the tarball's SHA-256 (see ImageDigests, which keeps it) */
    public static FirstBootBundle of(Path bundle, String bundleSha256, Path cacheDir) throws IOException {
        Path image = cacheDir.resolve(bundleSha256 + IMAGE);
        Path digest = cacheDir.resolve(bundleSha256 + IMAGE + DIGEST);
        try {
            if (!Files.isRegularFile(image) || !Files.isRegularFile(digest)) {
                makeImage(bundle, bundleSha256, image, digest);
            }
            Files.setLastModifiedTime(image, FileTime.fromMillis(System.currentTimeMillis())); // kept while in use
            prune(cacheDir);
            return new FirstBootBundle(image, Files.size(image), Files.readString(digest).strip(), bundleSha256, Format.FILESYSTEM);
        } catch (IOException | DriverException e) {
            return new FirstBootBundle(bundle, Files.size(bundle), sha512(bundle), bundleSha256, Format.TARBALL);
        }
    }

    /**
     * The bundle unpacked into a scratch folder with the digest file an install over SSH writes, then made into an
     * image that takes its place in the cache only when complete, with its digest beside it.
     */
    private static void makeImage(Path bundle, String bundleSha256, Path image, Path digest) throws IOException {
        Files.createDirectories(image.getParent());
        Path work = image.resolveSibling(".build-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Path tree = Files.createDirectories(work.resolve("tree"));
            HostTools.run(List.of(tool("tar"), "-xzf", bundle.toString(), "-C", tree.toString(), "--strip-components=1",
                    "--no-same-owner"), 120);
            if (!Files.isRegularFile(tree.resolve("bin/jmachine-engine"))) { // tar takes a short file for an empty archive
                throw new IOException(bundle + " holds no bin/jmachine-engine");
            }
            Files.writeString(tree.resolve(".bundle-sha256"), bundleSha256 + "\n");
            Path made = work.resolve("image");
            Sizes sizes = Sizes.of(tree);
            // no journal and no room to grow: it is written once, here, and mounted read-only
            HostTools.run(List.of(tool("mke2fs"), "-q", "-t", "ext4", "-O", "^has_journal,^resize_inode", "-m", "0",
                    "-L", "jmbundle", "-N", Long.toString(sizes.inodes()), "-d", tree.toString(), made.toString(),
                    sizes.kibibytes() + "k"), 120);
            Path madeDigest = work.resolve("image" + DIGEST);
            Files.writeString(madeDigest, sha512(made) + "\n");
            Files.move(made, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(madeDigest, digest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            FileTrees.delete(work);
        }
    }

    private static String sha512(Path file) throws IOException {
        return ImageDigests.compute(file, "SHA-512");
    }

    private static String tool(String name) {
        return HostTools.find(name).map(Path::toString).orElseThrow(() -> new DriverException(name + " is missing"));
    }

    /** The filesystem's size: the files' blocks, a block per entry, and a tenth more and 4 MiB for ext4's own. */
    record Sizes(long kibibytes, long inodes) {
        static Sizes of(Path tree) throws IOException {
            long bytes = 0;
            long entries = 0;
            try (Stream<Path> paths = Files.walk(tree)) {
                for (Path path : paths.toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    bytes += (attributes.size() + BLOCK - 1) / BLOCK * BLOCK + BLOCK;
                    entries++;
                }
            }
            return new Sizes((bytes + bytes / 10) / 1024 + 4096, entries + 64);
        }
    }

    /**
     * Keeps the most recently used images; the decompressed tarballs earlier versions kept are removed, and the SHA-256
     * files they kept beside their images.
     */
    private static void prune(Path cacheDir) throws IOException {
        List<Path> images = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir, "*{" + IMAGE + ",.tar,.sha256}")) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().endsWith(IMAGE)) {
                    images.add(entry);
                } else {
                    Files.deleteIfExists(entry);
                }
            }
        }
        images.sort(Comparator.comparing(FirstBootBundle::modified).reversed());
        for (Path old : images.subList(Math.min(KEPT, images.size()), images.size())) {
            Files.deleteIfExists(old);
            Files.deleteIfExists(old.resolveSibling(old.getFileName() + DIGEST));
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
