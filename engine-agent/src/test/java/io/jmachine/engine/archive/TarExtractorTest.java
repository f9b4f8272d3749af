package io.jmachine.engine.archive;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.testing.TarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarExtractorTest {

    @TempDir
    Path dir;

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("root"));
    }

    private Path outside() throws IOException {
        return Files.createDirectories(dir.resolve("outside"));
    }

    private static void extract(byte[] tar, Path root, TarExtractor.Options options) throws IOException {
        TarExtractor.extract(new ByteArrayInputStream(tar), root, options);
    }

    private static boolean isEmptyDir(Path path) throws IOException {
        try (var children = Files.list(path)) {
            return children.findAny().isEmpty();
        }
    }

    @Test
    void filesKeepModesOwnersTimesAndLinks() throws IOException {
        Path root = root();
        extract(new TarBuilder()
                .dir("bin")
                .file("bin/busybox", "elf", 0104755, 0, 0)
                .file("home/user/notes", "n", 0100600, 1000, 1001)
                .symlink("bin/sh", "/bin/busybox")
                .symlink("bin/ls", "busybox")
                .hardlink("bin/busybox2", "bin/busybox")
                .build(), root, TarExtractor.Options.PLAIN);
        Map<String, Object> busybox = Files.readAttributes(root.resolve("bin/busybox"), "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0104755, (Integer) busybox.get("mode") & 07777 | 0100000, "set-uid survives chown");
        assertEquals(TarBuilder.MTIME, busybox.get("lastModifiedTime"));
        Map<String, Object> notes = Files.readAttributes(root.resolve("home/user/notes"), "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(1000, notes.get("uid"));
        assertEquals(1001, notes.get("gid"));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(root.resolve("bin/sh")), "absolute symlinks are kept as they are");
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/ls")));
        assertEquals(Files.readAttributes(root.resolve("bin/busybox"), "unix:ino"),
                Files.readAttributes(root.resolve("bin/busybox2"), "unix:ino"), "a hard link shares the inode");
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(root.resolve("bin")), "folder times are set after their children");
    }

    @Test
    void dotDotEscapesAreRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("a/b/root"));
        for (String name : new String[] {"../evil", "x/../../evil", "/../evil", "./../../evil"}) {
            EngineException e = assertThrows(EngineException.class,
                    () -> extract(new TarBuilder().file(name, "x").build(), root, TarExtractor.Options.PLAIN), name);
            assertEquals(EngineException.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().contains("outside the destination"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("a/b/evil")));
        assertFalse(Files.exists(dir.resolve("a/evil")));
        // climbing within the root is fine
        extract(new TarBuilder().file("x/../inside", "ok").build(), root, TarExtractor.Options.PLAIN);
        assertEquals("ok", Files.readString(root.resolve("inside")));
    }

    @Test
    void symlinksAreResolvedInsideTheRootNeverOutside() throws IOException {
        Path root = root();
        Path outside = outside();
        extract(new TarBuilder()
                .symlink("abs", outside.toString())
                .file("abs/pwned", "x")
                .symlink("rel", "../../../../../../" + outside)
                .file("rel/pwned-too", "y")
                .symlink("etc", "/")
                .file("etc/passwd-copy", "z")
                .build(), root, TarExtractor.Options.PLAIN);
        assertTrue(isEmptyDir(outside), "nothing may land outside the root");
        Path inRoot = root.resolve(outside.toString().substring(1));
        assertEquals("x", Files.readString(inRoot.resolve("pwned")), "an absolute link means <root>/<target>");
        assertEquals("y", Files.readString(inRoot.resolve("pwned-too")), ".. stops at the root");
        assertEquals("z", Files.readString(root.resolve("passwd-copy")));
    }

    @Test
    void anExistingSymlinkAtTheTargetIsReplacedNotWrittenThrough() throws IOException {
        Path root = root();
        Path victim = Files.writeString(outside().resolve("victim"), "original");
        Files.createSymbolicLink(root.resolve("link"), victim);
        extract(new TarBuilder().file("link", "replaced").build(), root, TarExtractor.Options.PLAIN);
        assertEquals("original", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(root.resolve("link")));
        assertEquals("replaced", Files.readString(root.resolve("link")));
    }

    @Test
    void hardLinksMustPointInsideTheRoot() throws IOException {
        Path root = root();
        Files.writeString(outside().resolve("secret"), "s");
        EngineException escape = assertThrows(EngineException.class, () -> extract(
                new TarBuilder().hardlink("stolen", "../outside/secret").build(), root, TarExtractor.Options.PLAIN));
        assertEquals(EngineException.Kind.INVALID, escape.kind());
        // through a symlink that points out: resolved inside the root, where there is no such file
        EngineException viaLink = assertThrows(EngineException.class, () -> extract(new TarBuilder()
                .symlink("out", dir.resolve("outside").toString()).hardlink("stolen", "out/secret").build(), root, TarExtractor.Options.PLAIN));
        assertEquals(EngineException.Kind.INVALID, viaLink.kind());
        assertFalse(Files.exists(root.resolve("stolen")));
    }

    @Test
    void hugeNamesAreHandledOrRefusedCleanly() throws IOException {
        Path root = root();
        String deep = ("d".repeat(200) + "/").repeat(10) + "file"; // 2014 characters: a PAX long name
        extract(new TarBuilder().file(deep, "deep").build(), root, TarExtractor.Options.PLAIN);
        assertEquals("deep", Files.readString(root.resolve(deep)));

        EngineException longComponent = assertThrows(EngineException.class,
                () -> extract(new TarBuilder().file("x".repeat(300), "x").build(), root, TarExtractor.Options.PLAIN));
        assertEquals(EngineException.Kind.INVALID, longComponent.kind());
        EngineException longPath = assertThrows(EngineException.class,
                () -> extract(new TarBuilder().file("y/".repeat(5000) + "f", "x").build(), root, TarExtractor.Options.PLAIN));
        assertEquals(EngineException.Kind.INVALID, longPath.kind());
        assertTrue(longPath.getMessage().contains("longer than 4096"), longPath.getMessage());
    }

    @Test
    void garbageIsA400() throws IOException {
        Path root = root();
        byte[] garbage = new byte[2048];
        java.util.Arrays.fill(garbage, (byte) 'x');
        EngineException e = assertThrows(EngineException.class, () -> extract(garbage, root, TarExtractor.Options.PLAIN));
        assertEquals(EngineException.Kind.INVALID, e.kind());
    }

    @Test
    void layerWhiteoutsBecomeOverlayWhiteouts() throws IOException {
        Path root = root();
        extract(new TarBuilder()
                .dir("etc")
                .file("etc/.wh.motd", "")
                .dir("var/cache")
                .file("var/cache/.wh..wh..opq", "")
                .file("var/cache/kept", "k")
                .build(), root, TarExtractor.Options.LAYER);
        Map<String, Object> whiteout = Files.readAttributes(root.resolve("etc/motd"), "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, (Integer) whiteout.get("mode") & 0170000, "a character device");
        assertEquals(0L, whiteout.get("rdev"), "numbered 0:0");
        assertFalse(Files.exists(root.resolve("etc/.wh.motd"), LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals("y".getBytes(), LinuxFiles.getXattr(root.resolve("var/cache"), "trusted.overlay.opaque"));
        assertFalse(Files.exists(root.resolve("var/cache/.wh..wh..opq")));
        assertEquals("k", Files.readString(root.resolve("var/cache/kept")));

        EngineException bare = assertThrows(EngineException.class,
                () -> extract(new TarBuilder().file("x/.wh.", "").build(), root, TarExtractor.Options.LAYER));
        assertEquals(EngineException.Kind.INVALID, bare.kind());
    }

    @Test
    void plainExtractionKeepsWhiteoutNamesAsFiles() throws IOException {
        Path root = root();
        extract(new TarBuilder().file(".wh.foo", "plain").build(), root, TarExtractor.Options.PLAIN);
        assertEquals("plain", Files.readString(root.resolve(".wh.foo")));
    }

    @Test
    void xattrsAreSet() throws IOException {
        Path root = root();
        extract(new TarBuilder().xattr("f", "user.origin", "test").build(), root, TarExtractor.Options.PLAIN);
        assertArrayEquals("test".getBytes(), LinuxFiles.getXattr(root.resolve("f"), "user.origin"));
    }

    @Test
    void noOverwriteDirNonDirRefusesToReplaceAFolderByAFile() throws IOException {
        Path root = root();
        Files.createDirectories(root.resolve("data"));
        EngineException e = assertThrows(EngineException.class, () -> extract(new TarBuilder().file("data", "x").build(), root,
                new TarExtractor.Options(false, true)));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertTrue(Files.isDirectory(root.resolve("data")));
    }
}
