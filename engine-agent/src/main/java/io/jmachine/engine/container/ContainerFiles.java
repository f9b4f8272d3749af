package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.archive.TarWriter;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;
import io.jmachine.engine.image.CommitRequest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.volume.MountPoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * docker cp, export and commit: a container's files, read and written inside its root (never outside it,
 * whatever symlinks it holds). A stopped container's root is mounted for the call and unmounted after. As in
 * dockerd, cp sees the container's volumes and binds (and the /etc files the runtime binds) where they are mounted:
 * the root is seen with them on it ({@link Root#open(Path, List)}), without mounting anything.
 */
public final class ContainerFiles {

    /** The stat dockerd puts in X-Docker-Container-Path-Stat; mode in Go's os.FileMode bits. */
    public record PathStat(String name, long size, long mode, String mtime, String linkTarget) {}

    @FunctionalInterface
    private interface RootAction<T> {
        T apply(Root root) throws IOException;
    }

    private final ContainerService containers;
    private final ContainerStore store;
    private final ContainerRunner runner;
    private final ImageService images;

    public ContainerFiles(ContainerService containers, ImageService images) {
        this.containers = containers;
        this.store = containers.store();
        this.runner = containers.runner();
        this.images = images;
    }

    public PathStat stat(String idOrName, String path) throws IOException {
        return withView(idOrName, root -> {
            try (Root.Located target = existing(root, path, idOrName)) {
                return statOf(target, path);
            }
        });
    }

    /** Writes a tar of {@code path} (a file or a folder, named by its last component) and returns its stat. */
    public PathStat archive(String idOrName, String path, java.util.function.Function<PathStat, OutputStream> output) throws IOException {
        return withView(idOrName, root -> {
            try (Root.Located target = existing(root, path, idOrName)) {
                PathStat stat = statOf(target, path);
                String realPath = root.realPath(path, target.name().isEmpty());
                TarWriter writer = new TarWriter(output.apply(stat), TarWriter.Markers.AS_IS);
                writer.write(root, target, realPath, stat.name());
                writer.finish();
                return stat;
            }
        });
    }

    /** Extracts a tar into the folder {@code path}; 404 when it does not exist, 400 when it is not a folder. */
    public void extract(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir) throws IOException {
        withView(idOrName, root -> {
            ContainerRecord record = store.resolve(idOrName);
            requirePath(path);
            try {
                root.folder(path).close();
            } catch (NoSuchFileException e) {
                throw notFound(path, idOrName);
            } catch (NotDirectoryException e) {
                throw EngineException.invalid("extraction point is not a directory: " + path);
            }
            // dockerd 20.10 answers both as a server error (errdefs.System)
            Optional<Root.Mount> into = root.mountOf(path);
            if (into.isPresent() && into.get().readOnly()) {
                throw EngineException.internal("mounted volume is marked read-only");
            }
            if (into.isEmpty() && record.hostConfig().readonlyRootfs()) {
                throw EngineException.internal("container rootfs is marked read-only");
            }
            // every entry's folder is resolved in the container's root again: a link swapped in meanwhile stays inside it
            TarExtractor.extract(tar, root, path, new TarExtractor.Options(false, noOverwriteDirNonDir));
            return null;
        });
    }

    /** docker diff; null for a container that never ran. */
    public List<io.jmachine.engine.image.ContainerChanges.Change> changes(String idOrName) throws IOException {
        return images.changes(store.resolve(idOrName).id());
    }

    public void export(String idOrName, OutputStream out) throws IOException {
        // a container never started has no root file system yet: withRoot makes (and mounts) it, as dockerd's export does
        withRoot(idOrName, root -> {
            images.exportRootfs(store.resolve(idOrName).id(), out);
            return null;
        });
    }

    public Image commit(String idOrName, String repo, String tag, String author, String comment, List<String> changes,
                        ImageConfig.RunConfig config) throws IOException {
        ContainerRecord record = store.resolve(idOrName);
        ContainerConfig c = record.config();
        ImageConfig.RunConfig fromContainer = config != null ? config : new ImageConfig.RunConfig(c.user(), c.exposedPorts(),
                c.env(), c.entrypoint(), c.cmd(), c.healthcheck(), null, c.volumes(), c.workingDir(), c.labels(), c.onBuild(),
                c.stopSignal(), c.shell());
        String createdBy = String.join(" ", ContainerCreation.commandLine(c));
        Image image = withRoot(record.id(),
                root -> images.commit(new CommitRequest(record.id(), repo, tag, author, comment, changes, fromContainer, createdBy)));
        String reference = repo == null || repo.isEmpty() ? "" : repo + ":" + (tag == null || tag.isEmpty() ? "latest" : tag);
        containers.committed(record, image.id().toString(), reference, comment);
        return image;
    }

    private <T> T withRoot(String idOrName, RootAction<T> action) throws IOException {
        return withRoot(idOrName, false, action);
    }

    /** The root with the container's mounts on it, as docker cp sees it (export and commit see the root alone). */
    private <T> T withView(String idOrName, RootAction<T> action) throws IOException {
        return withRoot(idOrName, true, action);
    }

    private <T> T withRoot(String idOrName, boolean withMounts, RootAction<T> action) throws IOException {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (runner.lock(record.id())) {
            boolean mounted = images.isRootfsMounted(record.id());
            Path merged = images.mountRootfs(record.id(), io.jmachine.engine.image.Digest.parse(record.image())).merged();
            try (Root root = withMounts ? Root.open(merged, mounts(record)) : Root.open(merged)) {
                return action.apply(root);
            } finally {
                if (!mounted) {
                    images.unmountRootfs(record.id());
                }
            }
        }
    }

    /**
     * What dockerd mounts for an archive call: the volumes and binds (not tmpfs, whose content only the container
     * sees), and the /etc files the runtime binds once the container has run, unless the user mounts something there.
     * A bind whose host path is missing (never started) is left out.
     */
    private List<Root.Mount> mounts(ContainerRecord record) {
        List<Root.Mount> mounts = new ArrayList<>();
        Set<String> destinations = new HashSet<>();
        for (MountPoint mount : record.mountPoints()) {
            if (mount.type() != MountPoint.Type.TMPFS && !mount.source().isEmpty() && Files.exists(Path.of(mount.source()))) {
                mounts.add(new Root.Mount(mount.destination(), Path.of(mount.source()), !mount.rw()));
                destinations.add(Root.clean(mount.destination()));
            }
        }
        Path folder = store.folder(record.id());
        for (String file : List.of("hosts", "resolv.conf", "hostname")) {
            if (!destinations.contains("etc/" + file) && Files.isRegularFile(folder.resolve(file))) {
                mounts.add(new Root.Mount("/etc/" + file, folder.resolve(file), record.hostConfig().readonlyRootfs()));
            }
        }
        return mounts;
    }

    /**
     * The path's last component and its folder, resolved inside the root. As in dockerd, "/link/" and "/link/."
     * name the folder a final symlink points to (then the name is "", the folder itself), while "/link" names the
     * link itself.
     */
    private static Root.Located existing(Root root, String path, String container) throws IOException {
        requirePath(path);
        try {
            Root.Located target;
            if (path.endsWith("/") || path.endsWith("/.")) {
                target = new Root.Located(root.folder(path), "");
            } else {
                target = root.locate(path);
            }
            if (!target.name().isEmpty() && target.parent().find(target.name()).isEmpty()) {
                target.close();
                throw notFound(path, container);
            }
            return target;
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw notFound(path, container);
        }
    }

    private static void requirePath(String path) {
        if (path == null || path.isEmpty()) {
            throw EngineException.invalid("path is required");
        }
    }

    private static EngineException notFound(String path, String container) {
        return EngineException.notFound("Could not find the file " + path + " in container " + container);
    }

    private static PathStat statOf(Root.Located target, String requested) throws IOException {
        Stat stat = target.name().isEmpty() ? target.parent().stat() : target.parent().stat(target.name());
        long mode = stat.mode() & 0777;
        if ((stat.mode() & 04000) != 0) {
            mode |= 1L << 23; // os.ModeSetuid
        }
        if ((stat.mode() & 02000) != 0) {
            mode |= 1L << 22; // os.ModeSetgid
        }
        if ((stat.mode() & 01000) != 0) {
            mode |= 1L << 20; // os.ModeSticky
        }
        String link = "";
        if (stat.isDirectory()) {
            mode |= 1L << 31; // os.ModeDir
        } else if (stat.isSymbolicLink()) {
            mode |= 1L << 27; // os.ModeSymlink
            link = target.parent().readLink(target.name());
        }
        String trimmed = requested.replaceAll("/+$", "");
        String name = trimmed.isEmpty() ? "/" : trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return new PathStat(name, stat.size(), mode, stat.lastModified().toInstant().toString(), link);
    }
}
