package io.jmachine.engine.fs;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both ways of resolving (openat2 and the descriptor walk) keep every path inside the root. */
class RootTest {

    @TempDir
    Path dir;

    static Stream<Resolver> resolvers() {
        return Resolver.Openat2Resolver.AVAILABLE ? Stream.of(new Resolver.Openat2Resolver(), new WalkResolver())
                : Stream.of(new WalkResolver());
    }

    Path root;
    Path outside;

    Root open(Resolver resolver) throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/secret"), "container");
        return Root.open(root, resolver);
    }

    static String read(Folder.OpenFile file) throws IOException {
        try (file) {
            ByteBuffer buffer = ByteBuffer.allocate((int) file.stat().size());
            file.channel().read(buffer);
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void anAbsoluteLinkToAHostFolderResolvesInsideTheRoot(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("hostetc"), outside);
            Files.createSymbolicLink(root.resolve("etclink"), Path.of("/etc"));
            assertEquals("container", read(r.read("/etclink/secret")));
            assertThrows(NoSuchFileException.class, () -> r.read("/hostetc/secret"), "the host folder's name means nothing in the root");
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void dotDotInALinkStopsAtTheRoot(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../.."));
            Files.createDirectories(root.resolve("a/b"));
            Files.createSymbolicLink(root.resolve("a/b/rel"), Path.of("../../etc"));
            assertEquals("container", read(r.read("up/etc/secret")));
            assertEquals("container", read(r.read("a/b/rel/secret")));
            assertEquals("container", read(r.read("up/../outside/../etc/secret")), "lexical .. first, then inside the root");
            assertThrows(NoSuchFileException.class, () -> r.read("up/outside/secret"));
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void aLinkInTheLastComponentIsFollowedOnlyWhenAsked(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("l"), Path.of("/etc"));
            assertTrue(r.stat("l", false).isSymbolicLink());
            assertTrue(r.stat("l", true).isDirectory());
            try (Root.Located located = r.locate("/l")) {
                assertEquals("l", located.name());
                assertEquals("/etc", located.parent().readLink("l"));
            }
            try (Root.Located top = r.locate("/../")) {
                assertEquals("", top.name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void linksThatLoopAreAnErrorNotAHang(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
            Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
            assertThrows(FileSystemLoopException.class, () -> r.folder("a/x"));
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void aFileOnTheWayIsNotAFolder(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            assertThrows(NotDirectoryException.class, () -> r.folder("etc/secret/x"));
            assertThrows(NotDirectoryException.class, () -> r.folder("etc/secret"));
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void makeFoldersCreatesThroughLinksInsideTheRootOnly(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("out"), outside);
            Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nowhere/deeper"));
            List<String> made = new java.util.ArrayList<>();
            try (Folder f = r.makeFolders("/out/x/y", (parent, name) -> made.add(parent.where(name)))) {
                assertEquals("/out/x/y", f.where());
            }
            assertTrue(Files.isDirectory(root.resolve(outside.toString().substring(1)).resolve("x/y")), "made under the root");
            assertEquals(List.of("/secret"), listOutside());
            assertEquals(3 + outside.getNameCount() - 1, made.size(), made.toString());
            r.makeFolders("dangling/z", (p, n) -> { }).close();
            assertTrue(Files.isDirectory(root.resolve("nowhere/deeper/z")), "made through the dangling link, inside");
            assertFalse(Files.exists(Path.of("/nowhere")));
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void readingAFifoIsRefusedWithoutBlocking(Resolver resolver) throws Exception {
        try (Root r = open(resolver)) {
            assertEquals(0, new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start().waitFor());
            assertThrows(java.nio.file.FileSystemException.class, () -> r.read("fifo"));
            assertThrows(java.nio.file.FileSystemException.class, () -> r.top().read("fifo"));
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void deleteRemovesALinkNotWhatItPointsTo(Resolver resolver) throws IOException {
        try (Root r = open(resolver)) {
            Files.createSymbolicLink(root.resolve("etc/out"), outside);
            Files.createDirectories(root.resolve("etc/deep/er"));
            r.top().delete("etc");
            assertFalse(Files.exists(root.resolve("etc")));
            assertEquals(List.of("/secret"), listOutside());
        }
    }

    @ParameterizedTest
    @MethodSource("resolvers")
    void writesRacingAFolderSwappedForALinkOutStayInside(Resolver resolver) throws Exception {
        try (Root r = open(resolver)) {
            Path d = root.resolve("d");
            Path parked = root.resolve("parked");
            Files.createDirectories(d);
            Files.createSymbolicLink(root.resolve("tolink"), outside);
            var stop = new java.util.concurrent.atomic.AtomicBoolean();
            // swaps d between a real folder and a link to the host folder as fast as it can
            Thread swapper = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        Files.move(d, parked);
                        Files.createSymbolicLink(d, outside);
                        Files.delete(d);
                        Files.move(parked, d);
                    } catch (IOException e) {
                        // a lost race with the writer: go on swapping
                    }
                }
            });
            try {
                for (int i = 0; i < 3000; i++) {
                    try (Folder folder = r.makeFolders("d", (p, n) -> { }); Folder.NewFile out = folder.create("f" + i)) {
                        out.channel().write(ByteBuffer.wrap(new byte[] {1}));
                    } catch (IOException lostRace) {
                        // the folder moved away mid-call: an error is fine, a write outside is not
                    }
                }
            } finally {
                stop.set(true);
                swapper.join();
            }
            assertEquals(List.of("/secret"), listOutside(), "nothing was written outside the root");
        }
    }

    List<String> listOutside() throws IOException {
        try (Stream<Path> files = Files.walk(outside)) {
            return files.filter(p -> !p.equals(outside)).map(p -> "/" + outside.relativize(p)).sorted().toList();
        }
    }
}
