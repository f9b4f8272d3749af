package io.jmachine.provisioner.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPInputStream;

/**
 * The engine bundle as a guest's first boot reads it from its bundle disk: the tarball decompressed once on this host
 * and kept in the user's cache under the tarball's digest. In a TCG guest gunzip took 4.4 s of CPU on the path to SSH
 * and to the engine's start; reading and digesting the 115 MB tar there takes ~2 s, beside tar writing the files.
 * Where the cache cannot be written, the tarball itself (gzip) serves, as before.
 *
 * @param file         what the disk holds
 * @param size         its length in bytes (the disk is padded after it)
 * @param sha256       its digest, which the guest checks while it unpacks it
 * @param bundleSha256 the tarball's digest, which the guest records for the install over SSH to compare
 * @param gzip         whether {@code file} is the gzip-compressed tarball
 */
public record FirstBootBundle(Path file, long size, String sha256, String bundleSha256, boolean gzip) {

    /** Decompressed tarballs kept: each bundle build makes a new one of ~115 MB; a few for creates that run side by side. */
    private static final int KEPT = 3;

    public static FirstBootBundle of(Path bundle, Path cacheDir) throws IOException {
        String bundleSha256 = UploadEngineBundle.sha256(bundle);
        Path tar = cacheDir.resolve(bundleSha256 + ".tar");
        Path digest = cacheDir.resolve(bundleSha256 + ".tar.sha256");
        try {
            if (!Files.isRegularFile(tar) || !Files.isRegularFile(digest)) {
                decompress(bundle, tar, digest);
            }
            Files.setLastModifiedTime(tar, FileTime.fromMillis(System.currentTimeMillis())); // kept while in use
            prune(cacheDir);
            return new FirstBootBundle(tar, Files.size(tar), Files.readString(digest).strip(), bundleSha256, false);
        } catch (IOException e) {
            return new FirstBootBundle(bundle, Files.size(bundle), bundleSha256, bundleSha256, true);
        }
    }

    /** Decompressed and digested in one pass, into a temp file that takes its place only when complete. */
    private static void decompress(Path bundle, Path tar, Path digest) throws IOException {
        Files.createDirectories(tar.getParent());
        Path temp = tar.resolveSibling("." + tar.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(bundle), 1 << 16);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
                in.transferTo(out);
            }
            Files.writeString(temp.resolveSibling(temp.getFileName() + ".sha256"), HexFormat.of().formatHex(sha256.digest()) + "\n");
            Files.move(temp, tar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp.resolveSibling(temp.getFileName() + ".sha256"), digest, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + ".sha256"));
        }
    }

    /** Keeps the most recently used decompressed tarballs. */
    private static void prune(Path cacheDir) throws IOException {
        List<Path> tars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir, "*.tar")) {
            entries.forEach(tars::add);
        }
        tars.sort(Comparator.comparing(FirstBootBundle::modified).reversed());
        for (Path old : tars.subList(Math.min(KEPT, tars.size()), tars.size())) {
            Files.deleteIfExists(old);
            Files.deleteIfExists(old.resolveSibling(old.getFileName() + ".sha256"));
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
