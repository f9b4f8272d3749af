package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Blobs by digest under {@code blobs/sha256/<hex>}: image configs (by image ID) and layer tars (uncompressed, by diff
 * ID) until {@link LayerTars#settle} records them, or for good in data roots from before records. A blob is written to a temp file, hashed while written, checked against the digest the
 * caller expects, fsynced and renamed into place, so a blob that exists is always whole and correct.
 */
public final class ContentStore {

    private final Path blobs;
    private final Path temp;

    public ContentStore(Path root) {
        this.blobs = root.resolve("blobs/sha256");
        this.temp = root.resolve("blobs/tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(temp);
            try (Stream<Path> leftovers = Files.list(temp)) {
                for (Path leftover : (Iterable<Path>) leftovers::iterator) {
                    Files.deleteIfExists(leftover); // half-written blobs of a crashed engine
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the content store " + blobs, e);
        }
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    public long size(Digest digest) throws IOException {
        return Files.size(path(digest));
    }

    /** Stores what {@code in} yields; when {@code expected} is given, a different digest is a 400 and nothing is kept. */
    public Digest put(InputStream in, Digest expected) throws IOException {
        Path file = Files.createTempFile(temp, "blob-", ".tmp");
        try {
            MessageDigest sha = Digest.sha256();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            Digest actual = new Digest(HexFormat.of().formatHex(sha.digest()));
            if (expected != null && !expected.equals(actual)) {
                throw EngineException.invalid("content digest mismatch: expected " + expected + ", got " + actual);
            }
            if (!contains(actual)) {
                Files.move(file, path(actual), StandardCopyOption.ATOMIC_MOVE);
            }
            return actual;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public Digest put(byte[] content, Digest expected) throws IOException {
        return put(new java.io.ByteArrayInputStream(content), expected);
    }

    /** A temp file beside the blobs (same file system), for callers that build a blob before they know its digest. */
    public Path newTempFile() throws IOException {
        return Files.createTempFile(temp, "build-", ".tmp");
    }

    /** Takes a file made with {@link #newTempFile()} as a blob: hashes it, syncs it and moves it into place. */
    public Digest adopt(Path tempFile) throws IOException {
        try {
            MessageDigest sha = Digest.sha256();
            try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 InputStream in = java.nio.channels.Channels.newInputStream(channel)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
                channel.force(true);
            }
            Digest digest = new Digest(HexFormat.of().formatHex(sha.digest()));
            if (!contains(digest)) {
                Files.move(tempFile, path(digest), StandardCopyOption.ATOMIC_MOVE);
            }
            return digest;
        } finally {
            Files.deleteIfExists(tempFile);
        }
    }

    /**
     * Takes a file made with {@link #newTempFile()} whose digest the caller computed while writing it (a pull
     * hashes each layer as it streams): syncs it and moves it into place without reading it again.
     */
    public void adopt(Path tempFile, Digest knownDigest) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            if (!contains(knownDigest)) {
                Files.move(tempFile, path(knownDigest), StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tempFile);
        }
    }

    /** Drops a blob (a layer tar once its layer keeps a record to rebuild it from). */
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    public InputStream open(Digest digest) throws IOException {
        return Files.newInputStream(path(digest));
    }

    /** Deletes every blob not in {@code keep}. */
    public void retainOnly(Set<Digest> keep) throws IOException {
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String hex = file.getFileName().toString();
                if (hex.length() == 64 && !keep.contains(new Digest(hex))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
