package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.linux.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Layers' uncompressed tars, for save, push and whatever else reads them. A layer is kept once, as its unpacked
 * tree plus a small {@link TarSplit} record; its tar is rebuilt from both on demand and checked against its diff
 * ID. Tars stored before records existed (older data roots) are still read as they are.
 */
public final class LayerTars {

    private static final Logger LOG = LoggerFactory.getLogger(LayerTars.class);

    private final ContentStore blobs;
    private final LayerStore layers;

    LayerTars(ContentStore blobs, LayerStore layers) {
        this.blobs = blobs;
        this.layers = layers;
    }

    /** True when the tar of {@code diffId} can be read: stored, or recorded beside a layer unpacked from it. */
    public boolean contains(Digest diffId) {
        return blobs.contains(diffId) || recorded(diffId).isPresent();
    }

    /** The tar's length in bytes. */
    public long size(Digest diffId) throws IOException {
        if (blobs.contains(diffId)) {
            return blobs.size(diffId);
        }
        return TarSplit.tarLength(layers.tarRecord(require(diffId).chainId()));
    }

    /** The tar of {@code diffId}; a rebuilt one fails at its end if its digest is not {@code diffId}. */
    public InputStream open(Digest diffId) throws IOException {
        if (blobs.contains(diffId)) {
            try {
                return blobs.open(diffId);
            } catch (java.nio.file.NoSuchFileException settledMeanwhile) {
                // recorded and deleted since the check: rebuild it below
            }
        }
        Layer layer = require(diffId);
        return new Verified(TarSplit.rebuild(layers.tarRecord(layer.chainId()), layers.diffDir(layer.chainId())), diffId, layer);
    }

    /**
     * Makes {@code layer} keep its tar as a record (copied from another layer of the same diff ID, or written from
     * the stored tar and checked by rebuilding it), then deletes the stored tar. A tar the record cannot rebuild
     * exactly is kept as it is. Called under the image store's lock.
     */
    void settle(Layer layer) throws IOException {
        Path record = layers.tarRecord(layer.chainId());
        if (Files.isRegularFile(record)) {
            dropTar(layer);
            return;
        }
        Optional<Layer> sibling = recorded(layer.diffId());
        if (sibling.isPresent()) {
            // the same tar unpacked on another parent: the same files at the same paths
            AtomicFiles.write(record, Files.readAllBytes(layers.tarRecord(sibling.get().chainId())));
            dropTar(layer);
            return;
        }
        if (!blobs.contains(layer.diffId())) {
            return;
        }
        Path candidate = record.resolveSibling("tar-split.gz.new");
        Digest rebuilt;
        try {
            // streamed to its file: a tar the split cannot follow keeps most of its bytes in the record
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(candidate.toFile())) {
                TarSplit.write(blobs.path(layer.diffId()), layers.diffDir(layer.chainId()), new java.io.BufferedOutputStream(out, 1 << 16));
                out.getFD().sync();
            }
            try (InputStream in = TarSplit.rebuild(candidate, layers.diffDir(layer.chainId()))) {
                rebuilt = digest(in);
            }
        } catch (IOException | RuntimeException e) {
            rebuilt = null;
            LOG.warn("layer {}: its tar cannot be rebuilt from its files ({}); the tar is kept whole", layer.diffId(), e.getMessage());
        }
        if (!layer.diffId().equals(rebuilt)) {
            Files.deleteIfExists(candidate);
            if (rebuilt != null) {
                LOG.warn("layer {}: its tar rebuilt from its files has digest {}; the tar is kept whole", layer.diffId(), rebuilt);
            }
            return;
        }
        Files.move(candidate, record, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        dropTar(layer);
    }

    /** Gives every other layer of the same tar (older ones, unpacked before records) the record, then drops the tar. */
    private void dropTar(Layer recorded) throws IOException {
        byte[] record = null;
        for (Layer other : layers.all()) {
            Path target = layers.tarRecord(other.chainId());
            if (other.diffId().equals(recorded.diffId()) && !Files.isRegularFile(target)) {
                if (record == null) {
                    record = Files.readAllBytes(layers.tarRecord(recorded.chainId()));
                }
                AtomicFiles.write(target, record);
            }
        }
        blobs.delete(recorded.diffId());
    }

    private Layer require(Digest diffId) {
        return recorded(diffId).orElseThrow(() -> EngineException.notFound("layer " + diffId
                + " has neither a stored tar nor a record to rebuild it from: remove the images that use it and pull or load them again"));
    }

    private Optional<Layer> recorded(Digest diffId) {
        try {
            for (Layer layer : layers.all()) {
                if (layer.diffId().equals(diffId) && Files.isRegularFile(layers.tarRecord(layer.chainId()))) {
                    return Optional.of(layer);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the layers in " + layers.root(), e);
        }
    }

    private static Digest digest(InputStream in) throws IOException {
        MessageDigest sha = Digest.sha256();
        try (DigestInputStream hashing = new DigestInputStream(in, sha)) {
            hashing.transferTo(OutputStream.nullOutputStream());
        }
        return new Digest(HexFormat.of().formatHex(sha.digest()));
    }

    /** Hashes a rebuilt tar as it is read and fails at its end when the digest is not the layer's diff ID. */
    private static final class Verified extends DigestInputStream {
        private final Digest expected;
        private final Layer layer;
        private boolean checked;

        Verified(InputStream in, Digest expected, Layer layer) {
            super(in, Digest.sha256());
            this.expected = expected;
            this.layer = layer;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                check();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                check();
            }
            return n;
        }

        private void check() {
            if (checked) {
                return;
            }
            checked = true;
            Digest actual = new Digest(HexFormat.of().formatHex(getMessageDigest().digest()));
            if (!actual.equals(expected)) {
                throw EngineException.internal("layer " + expected + " rebuilt from its files has digest " + actual
                        + ": files of layer " + layer.chainId() + " changed on disk; remove the images that use it and pull or load them again");
            }
        }
    }
}
