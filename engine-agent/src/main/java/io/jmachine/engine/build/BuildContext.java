package io.jmachine.engine.build;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.archive.Compression;
import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The build context the client sent (a tar, plain or compressed) unpacked into a folder of its own, with what {@code .dockerignore}
 * leaves out removed, as the daemon does after the CLI's own filtering (the CLI adds a stdin or outside
 * Dockerfile under a random name and lists it there). Close deletes the folder.
 */
public final class BuildContext implements AutoCloseable {

    private final Path root;
    private final String dockerfile;

    private BuildContext(Path root, String dockerfile) {
        this.root = root;
        this.dockerfile = dockerfile;
    }

    /**
     * Unpacks {@code tar} under {@code tempParent}, reads the Dockerfile named {@code dockerfileName} (empty:
     * "Dockerfile", or "dockerfile" when only that exists), then applies {@code .dockerignore}.
     */
    public static BuildContext unpack(InputStream tar, Path tempParent, String dockerfileName) throws IOException {
        Files.createDirectories(tempParent);
        Path root = Files.createTempDirectory(tempParent, "context-");
        try {
            // gzip, bzip2 or xz by its first bytes, as dockerd reads it (docker-py's gzip=True also says Content-Encoding)
            TarExtractor.extract(new TarEndPadding(Compression.decompressed(tar)), root, TarExtractor.Options.PLAIN);
            String name = dockerfileName == null || dockerfileName.isEmpty() ? "Dockerfile" : dockerfileName;
            String text;
            String ignore;
            // both are read inside the context: a link in it to a host file leads to nothing there, as in dockerd
            try (Root context = Root.open(root)) {
                Optional<String> dockerfile = readText(context, name);
                if (dockerfile.isEmpty() && (dockerfileName == null || dockerfileName.isEmpty())) {
                    dockerfile = readText(context, "dockerfile");
                }
                text = dockerfile.orElseThrow(() -> EngineException.invalid("Cannot locate specified Dockerfile: " + name));
                ignore = readText(context, ".dockerignore").orElse("");
            }
            removeIgnored(root, DockerIgnore.parse(ignore));
            return new BuildContext(root, text);
        } catch (IOException | RuntimeException e) {
            Folder.deleteTree(root);
            throw e;
        }
    }

    /** A regular file of the context, links followed inside it; empty when there is none. */
    private static Optional<String> readText(Root context, String path) throws IOException {
        Optional<Folder.OpenFile> file = context.readIfPresent(path);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (Folder.OpenFile open = file.get()) {
            return Optional.of(new String(Channels.newInputStream(open.channel()).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    public Path root() {
        return root;
    }

    public String dockerfile() {
        return dockerfile;
    }

    /** Deletes ignored files, and ignored folders once nothing an exception kept is left in them. */
    static void removeIgnored(Path root, DockerIgnore ignore) throws IOException {
        if (ignore.isEmpty()) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // without exceptions nothing below an ignored folder can stay: drop it whole
                if (!dir.equals(root) && !ignore.hasExceptions() && ignore.excludes(relative(root, dir))) {
                    Folder.deleteTree(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (ignore.excludes(relative(root, file))) {
                    Files.delete(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (!dir.equals(root) && ignore.excludes(relative(root, dir))) {
                    try (var entries = Files.list(dir)) {
                        if (entries.findAny().isEmpty()) {
                            Files.delete(dir);
                        }
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String relative(Path root, Path path) {
        return root.relativize(path).toString();
    }

    @Override
    public void close() throws IOException {
        Folder.deleteTree(root);
    }
}
