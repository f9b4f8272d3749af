package io.jmachine.engine.container;

import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.archive.RootedPath;
import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.archive.TarWriter;
import io.jmachine.engine.image.CommitRequest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;

/**
 * docker cp, export and commit: a container's files, read and written inside its root (never outside it,
 * whatever symlinks it holds). A stopped container's root is mounted for the call and unmounted after.
 */
public final class ContainerFiles {

    /** The stat dockerd puts in X-Docker-Container-Path-Stat; mode in Go's os.FileMode bits. */
    public record PathStat(String name, long size, long mode, String mtime, String linkTarget) {}

    @FunctionalInterface
    private interface RootAction<T> {
        T apply(Path root) throws IOException;
    }

    private final ContainerStore store;
    private final ContainerRunner runner;
    private final ImageService images;

    public ContainerFiles(ContainerService containers, ImageService images) {
        this.store = containers.store();
        this.runner = containers.runner();
        this.images = images;
    }

    public PathStat stat(String idOrName, String path) throws IOException {
        return withRoot(idOrName, root -> {
            Path target = existing(root, path, namesLinkTarget(path), idOrName);
            return statOf(target, path);
        });
    }

    /** Writes a tar of {@code path} (a file or a folder, named by its last component) and returns its stat. */
    public PathStat archive(String idOrName, String path, java.util.function.Function<PathStat, OutputStream> output) throws IOException {
        return withRoot(idOrName, root -> {
            Path target = existing(root, path, namesLinkTarget(path), idOrName);
            PathStat stat = statOf(target, path);
            OutputStream out = output.apply(stat);
            TarWriter writer = new TarWriter(out, TarWriter.Markers.AS_IS);
            String inRoot = "/" + root.relativize(target);
            writer.writePath(root, inRoot, stat.name());
            writer.finish();
            return stat;
        });
    }

    /** Extracts a tar into the folder {@code path}; 404 when it does not exist, 400 when it is not a folder. */
    public void extract(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir) throws IOException {
        withRoot(idOrName, root -> {
            ContainerRecord record = store.resolve(idOrName);
            if (record.hostConfig().readonlyRootfs() && record.state().isAlive()) {
                throw new ApiException(403, "container rootfs is marked read-only");
            }
            Path target = existing(root, path, true, idOrName);
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.badRequest("extraction point is not a directory: " + path);
            }
            TarExtractor.extract(tar, target, new TarExtractor.Options(false, noOverwriteDirNonDir));
            return null;
        });
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
        return withRoot(record.id(),
                root -> images.commit(new CommitRequest(record.id(), repo, tag, author, comment, changes, fromContainer, createdBy)));
    }

    private <T> T withRoot(String idOrName, RootAction<T> action) throws IOException {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (runner.lock(record.id())) {
            boolean mounted = images.isRootfsMounted(record.id());
            Path root = images.mountRootfs(record.id(), io.jmachine.engine.image.Digest.parse(record.image())).merged();
            try {
                return action.apply(root);
            } finally {
                if (!mounted) {
                    images.unmountRootfs(record.id());
                }
            }
        }
    }

    /**
     * As in dockerd, "/link/" and "/link/." name the folder a final symlink points to (resolved inside the
     * root), while "/link" names the link itself.
     */
    private static boolean namesLinkTarget(String path) {
        return path.endsWith("/") || path.endsWith("/.");
    }

    private static Path existing(Path root, String path, boolean followFinal, String container) {
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("path is required");
        }
        Path target = RootedPath.resolve(root, path.startsWith("/") ? path : "/" + path, followFinal);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("Could not find the file " + path + " in container " + container);
        }
        return target;
    }

    private static PathStat statOf(Path target, String requested) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mode = attributes.permissions().stream().mapToLong(p -> 1L << (8 - p.ordinal())).sum();
        int unixMode = (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((unixMode & 04000) != 0) {
            mode |= 1L << 23; // os.ModeSetuid
        }
        if ((unixMode & 02000) != 0) {
            mode |= 1L << 22; // os.ModeSetgid
        }
        if ((unixMode & 01000) != 0) {
            mode |= 1L << 20; // os.ModeSticky
        }
        String link = "";
        if (attributes.isDirectory()) {
            mode |= 1L << 31; // os.ModeDir
        } else if (attributes.isSymbolicLink()) {
            mode |= 1L << 27; // os.ModeSymlink
            link = Files.readSymbolicLink(target).toString();
        }
        String trimmed = requested.replaceAll("/+$", "");
        String name = trimmed.isEmpty() ? "/" : trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return new PathStat(name, attributes.size(), mode, attributes.lastModifiedTime().toInstant().toString(), link);
    }
}
