package io.jmachine.engine.build;

import io.jmachine.engine.fs.CleanPath;

import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.TreeCopy;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * COPY and ADD into a mounted root: sources (wildcards as Go's filepath.Match) taken from a source root (the
 * build context or another image), a folder's contents copied rather than the folder, a destination ending in
 * '/' (or several sources) taken as a folder. Every path is resolved by the kernel inside its own root, so a link
 * in the context (to /etc, to a host folder) or in the image (planted by a RUN step) never leads out of it; links
 * inside a copied folder are copied as links. ADD also unpacks local tar archives (plain, gzip, bzip2, xz).
 */
final class FileCopier implements AutoCloseable {

    /** A source: its path in the source root, and the name it is copied under (a link's own name, as in Docker). */
    record Source(String path, String name) {}

    private final Root source;
    private final String instruction;

    /** @param instruction "COPY" or "ADD", for messages */
    private FileCopier(Root source, String instruction) {
        this.source = source;
        this.instruction = instruction;
    }

    static FileCopier from(Path sourceRoot, String instruction) throws IOException {
        return new FileCopier(Root.open(sourceRoot), instruction);
    }

    /** The files the sources name, in order; a source naming nothing (inside the source root) is an error, as in Docker. */
    List<Source> expand(List<String> sources) throws IOException {
        List<Source> found = new ArrayList<>();
        for (String raw : sources) {
            if (raw.startsWith("http://") || raw.startsWith("https://")) {
                throw new BuildException(instruction + " from a URL (" + raw + ") is not supported: this engine fetches nothing "
                        + "from the network; download the file into the build context and " + instruction + " it from there");
            }
            String clean = CleanPath.clean(raw.startsWith("/") ? raw.substring(1) : raw);
            if (clean.matches(".*[*?\\[].*")) {
                Pattern pattern = Pattern.compile(DockerIgnore.toRegex(clean));
                List<String> matches = new ArrayList<>();
                walk(source.top(), "", pattern, matches);
                if (matches.isEmpty()) {
                    throw notFound(raw);
                }
                for (String match : matches) {
                    found.add(checked(match, raw));
                }
            } else {
                found.add(checked(clean.equals(".") ? "" : clean, raw));
            }
        }
        return found;
    }

    /** Docker resolves each match (links too) inside the context: one that leads nowhere there is "not found". */
    private Source checked(String path, String raw) throws IOException {
        if (source.find(path, true).isEmpty()) {
            throw notFound(raw);
        }
        return new Source(path, path.substring(path.lastIndexOf('/') + 1));
    }

    /** The paths below {@code folder} that match, sorted, without following links (a matched link is a match). */
    private static void walk(Folder folder, String prefix, Pattern pattern, List<String> matches) throws IOException {
        for (String name : folder.list()) {
            String path = prefix + name;
            if (pattern.matcher(path).matches()) {
                matches.add(path);
            }
            if (folder.stat(name).isDirectory()) {
                try (Folder child = folder.folder(name)) {
                    walk(child, path + "/", pattern, matches);
                }
            }
        }
    }

    /** What the sources hold, for the build cache. */
    String checksum(List<Source> sources) throws IOException {
        return CacheKey.checksum(source, sources.stream().map(Source::path).toList());
    }

    /**
     * Copies (or for ADD unpacks) {@code sources} to {@code dest} (absolute, in the target root), owned by
     * {@code owner}.
     */
    void copy(List<Source> sources, String dest, Path targetRoot, Ownership owner, boolean unpackArchives) throws IOException {
        boolean destIsDir = dest.endsWith("/") || dest.endsWith("/.");
        if (sources.size() > 1 && !destIsDir) {
            throw new BuildException("When using " + instruction + " with more than one source file, the destination must be a "
                    + "directory and end with a /");
        }
        Root.Created owned = (parent, name) -> parent.chown(name, owner.uid(), owner.gid());
        TreeCopy copy = new TreeCopy(new TreeCopy.Owner(owner.uid(), owner.gid()));
        try (Root target = Root.open(targetRoot)) {
            for (Source from : sources) {
                if (source.stat(from.path(), true).isDirectory()) {
                    try (Folder folder = source.folder(from.path()); Folder to = makeFolders(target, dest, owned)) {
                        copy.contents(folder, to);
                    }
                    continue;
                }
                try (Folder.OpenFile file = source.read(from.path())) {
                    if (unpackArchives && isArchive(file.channel())) {
                        makeFolders(target, dest, owned).close();
                        try (InputStream in = decompressed(Channels.newInputStream(file.channel().position(0)))) {
                            TarExtractor.extract(in, target, dest, TarExtractor.Options.PLAIN);
                        }
                        continue;
                    }
                    boolean intoDir = destIsDir || isFolder(target, dest);
                    String folderPath = intoDir ? dest : dest.substring(0, Math.max(1, dest.lastIndexOf('/')));
                    String name = intoDir ? from.name() : dest.substring(dest.lastIndexOf('/') + 1);
                    try (Folder to = makeFolders(target, folderPath, owned)) {
                        copy.file(file, to, name);
                    }
                }
            }
        }
    }

    private static boolean isFolder(Root root, String path) throws IOException {
        return root.find(path, true).map(io.jmachine.engine.fs.Stat::isDirectory).orElse(false);
    }

    private static Folder makeFolders(Root target, String dir, Root.Created created) throws IOException {
        try {
            return target.makeFolders(dir, created);
        } catch (NotDirectoryException e) {
            throw new BuildException("cannot copy to " + dir + ": " + e.getFile() + " exists and is not a directory");
        }
    }

    private BuildException notFound(String source) {
        return new BuildException(instruction + " failed: file not found in build context or excluded by .dockerignore: stat "
                + source + ": file does not exist");
    }

    /** A tar, or a tar compressed with gzip, bzip2 or xz, told by its first bytes as Docker's archive detection does. */
    static boolean isArchive(FileChannel file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        while (buffer.hasRemaining() && file.read(buffer, buffer.position()) > 0) {
            // positional reads: the channel's own position stays for the caller
        }
        byte[] head = buffer.array();
        int n = buffer.position();
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

    @Override
    public void close() throws IOException {
        source.close();
    }
}
