package io.jmachine.engine.build;

import io.jmachine.engine.archive.RootedPath;
import io.jmachine.engine.archive.TarExtractor;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * COPY and ADD into a mounted root: sources (wildcards as Go's filepath.Match) taken from a source root (the
 * build context or another image), a folder's contents copied rather than the folder, a destination ending in
 * '/' (or several sources) taken as a folder, every path resolved inside its root. ADD also unpacks local tar
 * archives (plain, gzip, bzip2, xz).
 */
final class FileCopier {

    private final Path sourceRoot;
    private final String instruction;

    /** @param instruction "COPY" or "ADD", for messages */
    FileCopier(Path sourceRoot, String instruction) {
        this.sourceRoot = sourceRoot;
        this.instruction = instruction;
    }

    /** The files the sources name, in order; a source naming nothing is an error, as in Docker. */
    List<Path> expand(List<String> sources) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String source : sources) {
            if (source.startsWith("http://") || source.startsWith("https://")) {
                throw new BuildException(instruction + " from a URL (" + source + ") is not supported: this engine fetches nothing "
                        + "from the network; download the file into the build context and " + instruction + " it from there");
            }
            String clean = DockerIgnore.clean(source.startsWith("/") ? source.substring(1) : source);
            if (clean.matches(".*[*?\\[].*")) {
                Pattern pattern = Pattern.compile(DockerIgnore.toRegex(clean));
                List<Path> matches = new ArrayList<>();
                try (Stream<Path> walk = Files.walk(sourceRoot)) {
                    walk.filter(p -> !p.equals(sourceRoot) && pattern.matcher(sourceRoot.relativize(p).toString()).matches())
                            .sorted().forEach(matches::add);
                }
                if (matches.isEmpty()) {
                    throw notFound(source);
                }
                found.addAll(matches);
            } else {
                Path path = clean.equals(".") ? sourceRoot : RootedPath.resolve(sourceRoot, "/" + clean, true);
                if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw notFound(source);
                }
                found.add(path);
            }
        }
        return found;
    }

    /**
     * Copies (or for ADD unpacks) {@code sources} to {@code dest} (absolute, in the target root), owned by
     * {@code owner}.
     */
    void copy(List<Path> sources, String dest, Path targetRoot, Ownership owner, boolean unpackArchives) throws IOException {
        boolean destIsDir = dest.endsWith("/") || dest.endsWith("/.");
        if (sources.size() > 1 && !destIsDir) {
            throw new BuildException("When using " + instruction + " with more than one source file, the destination must be a "
                    + "directory and end with a /");
        }
        for (Path source : sources) {
            if (Files.isDirectory(source)) {
                Path target = makeDirs(targetRoot, dest, owner);
                copyContents(source, targetRoot, "/" + targetRoot.relativize(target), owner);
            } else if (unpackArchives && isArchive(source)) {
                Path target = makeDirs(targetRoot, dest, owner);
                try (InputStream in = decompressed(Files.newInputStream(source))) {
                    TarExtractor.extract(in, target, TarExtractor.Options.PLAIN);
                }
            } else {
                Path existing = RootedPath.resolve(targetRoot, dest, true);
                boolean intoDir = destIsDir || Files.isDirectory(existing);
                String parent = intoDir ? dest : dest.substring(0, Math.max(1, dest.lastIndexOf('/')));
                Path dir = makeDirs(targetRoot, parent, owner);
                String name = intoDir ? source.getFileName().toString() : dest.substring(dest.lastIndexOf('/') + 1);
                copyOne(source, RootedPath.resolve(targetRoot, "/" + targetRoot.relativize(dir) + "/" + name, false), owner);
            }
        }
    }

    private void copyContents(Path sourceDir, Path targetRoot, String targetDir, Ownership owner) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(sourceDir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String inRoot = targetDir.replaceAll("/+$", "") + "/" + child.getFileName();
            Path target = RootedPath.resolve(targetRoot, inRoot, false);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    TarExtractor.deleteTree(target);
                    Files.createDirectory(target);
                }
                copyContents(child, targetRoot, inRoot, owner);
                applyMetadata(child, target, owner);
            } else {
                copyOne(child, target, owner);
            }
        }
    }

    private static void copyOne(Path source, Path target, Ownership owner) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            TarExtractor.deleteTree(target);
        }
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        applyMetadata(source, target, owner);
    }

    /** Owner first (chown clears set-id bits), then mode and time, taken from the source. */
    private static void applyMetadata(Path source, Path target, Ownership owner) throws IOException {
        Files.setAttribute(target, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(target)) {
            Files.setAttribute(target, "unix:mode", (Integer) Files.getAttribute(source, "unix:mode") & 07777);
            FileTime time = Files.getLastModifiedTime(source);
            Files.setLastModifiedTime(target, time);
        }
    }

    /** The folder {@code dir} in the root, made (with its parents, 0755, the new last one owned as told) when missing. */
    private static Path makeDirs(Path targetRoot, String dir, Ownership owner) throws IOException {
        Path target = RootedPath.resolve(targetRoot, dir, true);
        if (Files.isDirectory(target)) {
            return target;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new BuildException("cannot copy to " + dir + ": it exists and is not a directory");
        }
        Files.createDirectories(target);
        Files.setAttribute(target, "unix:uid", owner.uid());
        Files.setAttribute(target, "unix:gid", owner.gid());
        return target;
    }

    private BuildException notFound(String source) {
        return new BuildException(instruction + " failed: file not found in build context or excluded by .dockerignore: stat "
                + source + ": file does not exist");
    }

    /** A tar, or a tar compressed with gzip, bzip2 or xz, told by its first bytes as Docker's archive detection does. */
    static boolean isArchive(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return true;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return true;
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) {
            return true;
        }
        return n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        try {
            String format = CompressorStreamFactory.detect(buffered);
            return new CompressorStreamFactory().createCompressorInputStream(format, buffered);
        } catch (CompressorException plainTar) {
            return buffered;
        }
    }
}
