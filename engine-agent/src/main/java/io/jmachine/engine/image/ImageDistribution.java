package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The image store's side of registry pulls and pushes. A pull stages each layer while it streams in (unpacked
 * beside the layer store and kept as a tar beside the blobs, hashed on the way, until commit records it) without holding the store's lock,
 * then {@link #commit} adds the whole image at once under the lock, or nothing: a pull that fails midway leaves
 * the store as it was. A push reads configs and layer tars back.
 */
public final class ImageDistribution {

    /** A layer read from a registry but not yet in the store: its uncompressed tar and its unpacked files. */
    public record StagedLayer(Digest diffId, Path tar, LayerStore.Staged unpacked) {
        public void discard() throws IOException {
            Files.deleteIfExists(tar);
            unpacked.discard();
        }
    }

    private final ImageService service;

    ImageDistribution(ImageService service) {
        this.service = service;
    }

    /** True when the layer's tar is stored, so a pull need not fetch it (it is unpacked again if its chain differs). */
    public boolean hasLayer(Digest diffId) {
        return service.tars().contains(diffId);
    }

    /**
     * Reads an uncompressed layer tar to its end, unpacking it into a staging folder and keeping its bytes, and
     * returns it with its diff ID (the sha256 of every byte read). Nothing is in the store until {@link #commit}.
     * The caller closes {@code tar}.
     */
    public StagedLayer stage(InputStream tar) throws IOException {
        LayerStore.Staged unpacked = service.layers().stage();
        Path tarFile = null;
        try {
            tarFile = service.content().newTempFile();
            MessageDigest sha = Digest.sha256();
            long size;
            try (OutputStream copy = new java.io.BufferedOutputStream(Files.newOutputStream(tarFile), 1 << 16);
                 HashingTee in = new HashingTee(tar, sha, copy)) {
                size = io.jmachine.engine.archive.TarExtractor.extract(in, unpacked.diff(), io.jmachine.engine.archive.TarExtractor.Options.LAYER);
                in.transferTo(OutputStream.nullOutputStream()); // the padding after the last entry counts in the diff ID
            }
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tarFile, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true); // here, while other layers still download, rather than one after another in commit
            }
            return new StagedLayer(new Digest(java.util.HexFormat.of().formatHex(sha.digest())), tarFile, unpacked.withSize(size));
        } catch (IOException | RuntimeException e) {
            unpacked.discard();
            if (tarFile != null) {
                Files.deleteIfExists(tarFile);
            }
            throw e;
        }
    }

    /**
     * Adds an image whose layers are either stored already or in {@code staged} (by diff ID), then points
     * {@code references} at it; all under the store's lock. On any failure the layers it added are dropped again.
     * The staged layers are consumed either way.
     */
    public Image commit(byte[] rawConfig, Map<Digest, StagedLayer> staged, List<ImageReference> references) throws IOException {
        ImageConfig config;
        try {
            config = service.json().readValue(rawConfig, ImageConfig.class);
        } catch (IOException e) {
            throw EngineException.invalid("invalid image config from the registry: " + e.getMessage());
        }
        service.lock().lock();
        try {
            Set<Digest> used = new HashSet<>();
            Layer parent = null;
            for (Digest diffId : config.diffIds()) {
                StagedLayer layer = staged.get(diffId);
                if (layer != null && used.add(diffId)) {
                    service.content().adopt(layer.tar(), diffId);
                    parent = service.layers().register(diffId, parent, layer.unpacked());
                    service.tars().settle(parent);
                } else if (service.tars().contains(diffId)) {
                    // stored already, or the same layer a second time in this image: unpack it from its kept tar
                    parent = service.layers().register(diffId, parent, () -> service.tars().open(diffId));
                    service.tars().settle(parent);
                } else {
                    throw new IllegalStateException("layer " + diffId + " of the pulled image was neither stored nor fetched");
                }
            }
            Image image = service.images().put(rawConfig);
            for (ImageReference reference : references) {
                service.references().put(reference, image.id());
            }
            return image;
        } catch (IOException | RuntimeException e) {
            service.collectGarbage(); // the layers this commit registered before it failed
            throw e;
        } finally {
            service.lock().unlock();
            for (StagedLayer layer : staged.values()) {
                layer.discard();
            }
        }
    }

    /** Points a reference (a pushed image's digest reference) at an image. */
    public void addReference(ImageReference reference, Digest imageId) throws IOException {
        service.lock().lock();
        try {
            service.references().put(reference, imageId);
        } finally {
            service.lock().unlock();
        }
    }

    /** The image a reference points at, if any. */
    public Optional<Digest> imageId(ImageReference reference) {
        return service.references().get(reference);
    }

    public Image resolve(String nameOrId) {
        return service.resolve(nameOrId);
    }

    /** The tags and digest references pointing at an image. */
    public List<ImageReference> referencesTo(Digest imageId) {
        return service.references().referencesTo(imageId);
    }

    /** The tags of one repository ("127.0.0.1:5000/acc/busybox"), for pushing all of them. */
    public List<ImageReference> tagsOf(String repositoryName) {
        return service.references().tagsOf(repositoryName);
    }

    /** The exact bytes the image ID is the digest of. */
    public byte[] rawConfig(Image image) throws IOException {
        return service.images().rawConfig(image.id());
    }

    /** A stored layer's uncompressed tar. */
    public InputStream openLayer(Digest diffId) throws IOException {
        return service.tars().open(diffId);
    }

    public long layerSize(Digest diffId) throws IOException {
        return service.tars().size(diffId);
    }

    /** Passes reads through while hashing them and copying them to a file. */
    private static final class HashingTee extends ObservedInputStream {
        private final MessageDigest sha;
        private final OutputStream copy;

        HashingTee(InputStream in, MessageDigest sha, OutputStream copy) {
            super(in);
            this.sha = sha;
            this.copy = copy;
        }

        @Override
        protected void consumed(byte[] buffer, int offset, int length) throws IOException {
            sha.update(buffer, offset, length);
            copy.write(buffer, offset, length);
        }

        @Override
        public void close() {
            // the caller owns the stream: a pull still checks the compressed blob's digest after the tar ends
        }
    }
}
