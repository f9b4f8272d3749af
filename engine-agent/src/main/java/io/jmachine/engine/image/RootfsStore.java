package io.jmachine.engine.image;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.linux.AtomicFiles;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.archive.LinuxFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Containers' overlay root file systems under {@code <layer root>/containers/<id>}: {@code diff} (upper),
 * {@code work}, {@code merged}, {@code init} (mount points the runtime binds over, so they never land in
 * the container's own changes, as moby's init layer), and {@code layers}, the chain IDs the container
 * stands on, which keep those layers alive even if its image is removed. Every operation is idempotent and
 * copes with what a crash leaves half made.
 */
final class RootfsStore {

    private static final Logger LOG = LoggerFactory.getLogger(RootfsStore.class);
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final String CONTAINERS = "containers";
    private static final List<String> INIT_DIRS = List.of("dev/pts", "dev/shm", "proc", "sys", "etc");
    /** mount(2) copies one page of options, its last byte the terminating NUL (moby's overlay2 checks the same). */
    static final int MOUNT_DATA_MAX = 4096;
    private static final List<String> INIT_FILES = List.of(".dockerenv", "etc/resolv.conf", "etc/hosts", "etc/hostname", "dev/console");

    private final LayerStore layers;

    RootfsStore(LayerStore layers) {
        this.layers = layers;
        try {
            Files.createDirectories(layers.root().resolve(CONTAINERS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + layers.root().resolve(CONTAINERS), e);
        }
    }

    /** Mounts the container's root, first making it from {@code imageForNewRoot} when it does not exist yet. */
    ContainerRootfs mount(String containerId, Image imageForNewRoot) throws IOException {
        Path dir = dir(containerId);
        if (find(containerId).isEmpty()) {
            prepare(dir, imageForNewRoot);
        }
        ContainerRootfs rootfs = find(containerId).orElseThrow();
        if (isMounted(rootfs.merged())) {
            return rootfs;
        }
        List<Layer> stack = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("layers"))) {
            if (!line.isBlank()) {
                stack.add(layers.require(Digest.parse(line.strip())));
            }
        }
        String relative = CONTAINERS + "/" + containerId;
        List<String> lower = new ArrayList<>(List.of(relative + "/init"));
        lower.addAll(layers.lowerLinks(stack));
        String absolute = overlayOptions(lower.stream().map(path -> layers.root().resolve(path).toString()).toList(),
                dir.resolve("diff").toString(), dir.resolve("work").toString());
        if (absolute.length() < MOUNT_DATA_MAX) {
            // mount(2) itself: the mount binary cost a process (7-13 ms) on every start
            LinuxFiles.mount("overlay", rootfs.merged(), "overlay", 0, absolute);
        } else {
            // a chain too long for a page: relative paths from the layer root keep the options short, as moby's
            // mountFrom does, and the mount binary runs in the layer root (the engine cannot chdir, being threaded)
            String options = overlayOptions(lower, relative + "/diff", relative + "/work");
            run(layers.root(), "mount", "-t", "overlay", "overlay", "-o", options, relative + "/merged");
        }
        return rootfs;
    }

    private static String overlayOptions(List<String> lower, String upper, String work) {
        String options = "lowerdir=" + String.join(":", lower) + ",upperdir=" + upper + ",workdir=" + work;
        // index=off where the kernel has the feature, as dockerd (the module may load with the first mount: asked each time)
        return Files.exists(Path.of("/sys/module/overlay/parameters/index")) ? options + ",index=off" : options;
    }

    private void prepare(Path dir, Image image) throws IOException {
        for (String sub : List.of("diff", "work", "merged", "init")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path init = dir.resolve("init");
        for (String sub : INIT_DIRS) {
            Files.createDirectories(init.resolve(sub));
        }
        for (String file : INIT_FILES) {
            if (!Files.exists(init.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(init.resolve(file), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        }
        if (!Files.exists(init.resolve("etc/mtab"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(init.resolve("etc/mtab"), Path.of("/proc/mounts"));
        }
        StringBuilder chain = new StringBuilder();
        for (Digest chainId : image.chainIds()) {
            layers.require(chainId);
            chain.append(chainId).append('\n');
        }
        // unsynced, as moby's overlay2 writes its lower file: on the path of every first start
        AtomicFiles.writeUnsynced(dir.resolve("image"), (image.id() + "\n").getBytes(StandardCharsets.US_ASCII));
        // written last: its presence says the folder is complete
        AtomicFiles.writeUnsynced(dir.resolve("layers"), chain.toString().getBytes(StandardCharsets.US_ASCII));
    }

    void unmount(String containerId) throws IOException {
        Path merged = dir(containerId).resolve("merged");
        for (int attempt = 0; attempt < 10 && isMounted(merged); attempt++) {
            try {
                LinuxFiles.umount(merged, 0);
            } catch (IOException busy) {
                LOG.warn("{}; detaching it lazily", busy.getMessage());
                LinuxFiles.umount(merged, LinuxFiles.MNT_DETACH);
            }
        }
        if (isMounted(merged)) {
            throw new IOException("cannot unmount " + merged + ": it stays mounted");
        }
    }

    void remove(String containerId) throws IOException {
        Path dir = dir(containerId);
        unmount(containerId);
        Folder.deleteTree(dir);
    }

    Optional<ContainerRootfs> find(String containerId) throws IOException {
        Path dir = dir(containerId);
        Path image = dir.resolve("image");
        if (!Files.isRegularFile(dir.resolve("layers")) || !Files.isRegularFile(image)) {
            return Optional.empty();
        }
        return Optional.of(describe(containerId, dir, Digest.parse(Files.readString(image).strip())));
    }

    boolean isMounted(String containerId) throws IOException {
        return isMounted(dir(containerId).resolve("merged"));
    }

    /** Chain IDs that containers' root file systems stand on. */
    Set<Digest> layersInUse() throws IOException {
        Set<Digest> inUse = new HashSet<>();
        try (Stream<Path> dirs = Files.list(layers.root().resolve(CONTAINERS))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Path file = dir.resolve("layers");
                if (Files.isRegularFile(file)) {
                    for (String line : Files.readAllLines(file)) {
                        if (!line.isBlank()) {
                            inUse.add(Digest.parse(line.strip()));
                        }
                    }
                }
            }
        }
        return inUse;
    }

    /** The folders under the container's changes, top first: its init layer, then its image's layers. */
    List<Path> lowerDirs(String containerId) throws IOException {
        Path dir = dir(containerId);
        List<Path> lower = new ArrayList<>(List.of(dir.resolve("init")));
        List<String> chain = new ArrayList<>(Files.readAllLines(dir.resolve("layers")));
        for (String line : chain.reversed()) {
            if (!line.isBlank()) {
                lower.add(layers.diffDir(Digest.parse(line.strip())));
            }
        }
        return lower;
    }

    private ContainerRootfs describe(String containerId, Path dir, Digest imageId) {
        return new ContainerRootfs(containerId, imageId, dir.resolve("merged"), dir.resolve("diff"), dir.resolve("work"));
    }

    /**
     * Inspect's GraphDriver.Data of a container: its overlay's directories (made at its first start), the lower ones
     * its init layer, then its image's layers top first.
     */
    Map<String, String> graphDriverData(String containerId, Optional<Image> image) {
        Path dir = dir(containerId);
        List<String> lower = new ArrayList<>(List.of(dir.resolve("init").toString()));
        image.ifPresent(found -> {
            for (Digest chainId : found.chainIds().reversed()) {
                lower.add(layers.diffDir(chainId).toString());
            }
        });
        Map<String, String> data = new LinkedHashMap<>();
        data.put("LowerDir", String.join(":", lower));
        data.put("MergedDir", dir.resolve("merged").toString());
        data.put("UpperDir", dir.resolve("diff").toString());
        data.put("WorkDir", dir.resolve("work").toString());
        return data;
    }

    Path dir(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid container ID for a root file system: " + containerId);
        }
        return layers.root().resolve(CONTAINERS).resolve(containerId);
    }

    static boolean isMounted(Path mountPoint) {
        return io.jmachine.engine.linux.MountInfo.isMountPoint(mountPoint);
    }

    private static void run(Path workingDir, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " (in " + workingDir + ") failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    static EngineException noRootfs(String containerId) {
        return EngineException.conflict("container " + containerId + " has no root file system: start it first");
    }
}
