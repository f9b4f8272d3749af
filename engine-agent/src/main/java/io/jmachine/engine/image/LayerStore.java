package io.jmachine.engine.image;

import io.jmachine.engine.fs.Folder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.archive.TarExtractor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Unpacked layers, overlay2-style, under {@code <data-root>/overlay2}: {@code <chain-hex>/diff} holds a layer's
 * files with whiteouts in overlay form, {@code <chain-hex>/layer.json} says what it is, {@code <chain-hex>/tar-split.gz} rebuilds its tar (see {@link LayerTars}), and
 * {@code l/<26 chars>} links to {@code ../<chain-hex>/diff}. Mounts name lower layers by those short links,
 * relative to this folder, so a 128-layer image still fits the one page the mount options may take.
 * A layer is unpacked into a temp folder and renamed into place whole: a folder with layer.json is complete.
 */
public final class LayerStore {

    private static final String LINKS = "l";
    private static final String RECORD = "layer.json";
    private static final String TEMP_PREFIX = ".tmp-";
    private static final char[] LINK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    /** Yields a layer's uncompressed tar. */
    @FunctionalInterface
    public interface TarSource {
        InputStream open() throws IOException;
    }

    private final Path root;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    public LayerStore(Path root, ObjectMapper json) {
        this.root = root;
        this.json = json;
        try {
            Files.createDirectories(root.resolve(LINKS));
            try (Stream<Path> entries = Files.list(root)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (entry.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        Folder.deleteTree(entry); // an unpack a crash interrupted
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the layer store " + root, e);
        }
    }

    /** The folder overlay mounts run in: lowerdir entries are relative to it. */
    public Path root() {
        return root;
    }

    /** The layer {@code diffId} on top of {@code parent}, unpacked from {@code tar} unless it already is. */
    public Layer register(Digest diffId, Layer parent, TarSource tar) throws IOException {
        Optional<Layer> existing = get(chainId(diffId, parent));
        if (existing.isPresent()) {
            return existing.get();
        }
        Staged staged = stage();
        try (InputStream in = tar.open()) {
            return register(diffId, parent, staged.withSize(TarExtractor.extract(in, staged.diff(), TarExtractor.Options.LAYER)));
        } finally {
            staged.discard();
        }
    }

    /**
     * A layer's files unpacked into a temp folder beside the store but not yet a layer, so that a pull can unpack
     * several layers at once, check them all, and only then register them: {@link #register(Digest, Layer, Staged)}
     * moves it into place, {@link #discard()} drops it.
     */
    public record Staged(Path dir, long size) {
        public Path diff() {
            return dir.resolve("diff");
        }

        public Staged withSize(long newSize) {
            return new Staged(dir, newSize);
        }

        /** Deletes what is left of it (nothing after it was registered). */
        public void discard() throws IOException {
            Folder.deleteTree(dir);
        }
    }

    /** A new empty staging folder, with its {@code diff} folder to unpack into; removed at the next start if left. */
    public Staged stage() throws IOException {
        Path temp = Files.createDirectory(root.resolve(TEMP_PREFIX + Long.toHexString(random.nextLong())));
        Files.createDirectory(temp.resolve("diff"));
        return new Staged(temp, 0);
    }

    /** Turns a staged unpack into the layer {@code diffId} on top of {@code parent}; a layer already there wins. */
    public Layer register(Digest diffId, Layer parent, Staged staged) throws IOException {
        Digest chainId = chainId(diffId, parent);
        Optional<Layer> existing = get(chainId);
        if (existing.isPresent()) {
            staged.discard();
            return existing.get();
        }
        Path temp = staged.dir();
        try {
            Layer layer = new Layer(chainId, diffId, parent == null ? null : parent.chainId(), staged.size(), newLinkName());
            Files.writeString(temp.resolve("link"), layer.link());
            if (parent != null) {
                Files.writeString(temp.resolve("lower"), String.join(":", lowerLinks(List.of(parent))));
            }
            Files.write(temp.resolve(RECORD), json.writeValueAsBytes(layer));
            Path target = dir(chainId);
            Folder.deleteTree(target); // a folder without layer.json is a leftover, never a layer
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            Path link = root.resolve(LINKS).resolve(layer.link());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("..", chainId.hex(), "diff"));
            return layer;
        } finally {
            staged.discard();
        }
    }

    private static Digest chainId(Digest diffId, Layer parent) {
        return parent == null ? diffId
                : Digest.of((parent.chainId() + " " + diffId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public Optional<Layer> get(Digest chainId) {
        Path record = dir(chainId).resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(record.toFile(), Layer.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layer record " + record, e);
        }
    }

    /** The layer or an error saying the store lost it (a layer an image needs must exist). */
    public Layer require(Digest chainId) {
        return get(chainId).orElseThrow(() -> new IllegalStateException("layer " + chainId + " is missing from " + root
                + "; the image that needs it is damaged: remove it and import or load it again"));
    }

    public Path diffDir(Digest chainId) {
        return dir(chainId).resolve("diff");
    }

    /** {@code l/<link>} for each layer, topmost first, as overlay's lowerdir lists them. */
    public List<String> lowerLinks(List<Layer> bottomFirst) {
        List<String> links = new ArrayList<>();
        for (Layer layer : bottomFirst.reversed()) {
            links.add(LINKS + "/" + layer.link());
        }
        return links;
    }

    /** Every stored layer. */
    public List<Layer> all() throws IOException {
        List<Layer> layers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.length() == 64 && Files.isRegularFile(entry.resolve(RECORD))) {
                    get(new Digest(name)).ifPresent(layers::add);
                }
            }
        }
        return layers;
    }

    /** Removes every layer not in {@code keep}, with its link; returns the removed chain IDs. */
    public List<Digest> retainOnly(Set<Digest> keep) throws IOException {
        List<Digest> removed = new ArrayList<>();
        for (Layer layer : all()) {
            if (!keep.contains(layer.chainId())) {
                Files.deleteIfExists(root.resolve(LINKS).resolve(layer.link()));
                Files.delete(dir(layer.chainId()).resolve(RECORD)); // first: a half-deleted folder is then a leftover
                Folder.deleteTree(dir(layer.chainId()));
                removed.add(layer.chainId());
            }
        }
        return removed;
    }

    /** Where a layer keeps the record its tar is rebuilt from (see {@link TarSplit}); absent for layers stored before it. */
    public Path tarRecord(Digest chainId) {
        return dir(chainId).resolve("tar-split.gz");
    }

    private Path dir(Digest chainId) {
        return root.resolve(chainId.hex());
    }

    private String newLinkName() {
        StringBuilder name = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            name.append(LINK_ALPHABET[random.nextInt(LINK_ALPHABET.length)]);
        }
        return name.toString();
    }
}
