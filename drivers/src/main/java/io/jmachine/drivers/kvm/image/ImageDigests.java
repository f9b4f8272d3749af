package io.jmachine.drivers.kvm.image;

import io.jmachine.drivers.DriverException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests of large files: the images, which name their volumes on libvirt hosts, and the engine bundle. Hashing
 * a base image takes seconds, the bundle 0.2-0.4 s in a JVM that just started, so each digest is kept under a digests/
 * folder beside the file's size and modification time, and computed again only when those change.
 */
public final class ImageDigests {

    private final Path folder;

    public ImageDigests(Path folder) {
        this.folder = folder;
    }

    /** The file's SHA-256 in hex, kept for its size and modification time where the folder can be written. */
    public String sha256(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path kept = folder.resolve(ImageCache.key(absolute.toString()));
        String stamp;
        String digest;
        try {
            stamp = Files.size(absolute) + " " + Files.getLastModifiedTime(absolute).toMillis();
            if (Files.isRegularFile(kept)) {
                String[] line = Files.readString(kept, StandardCharsets.UTF_8).strip().split(" ", 3);
                if (line.length == 3 && (line[0] + " " + line[1]).equals(stamp)) {
                    return line[2];
                }
            }
            digest = compute(absolute);
        } catch (IOException e) {
            throw new DriverException("cannot read " + file + " to take its SHA-256: " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, "digest", ".tmp");
            Files.writeString(temp, stamp + " " + digest + "\n", StandardCharsets.UTF_8);
            Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a cache that cannot be written: the next run hashes the file again, nothing worse
        }
        return digest;
    }

    /** Hashes the whole file with SHA-256. */
    public static String compute(Path file) throws IOException {
        return compute(file, "SHA-256");
    }

    /** Hashes the whole file with {@code algorithm}, one every JDK has (SHA-256, SHA-512). */
    public static String compute(Path file, String algorithm) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
