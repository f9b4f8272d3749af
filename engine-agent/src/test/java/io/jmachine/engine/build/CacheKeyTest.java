package io.jmachine.engine.build;

import io.jmachine.engine.image.Digest;
import io.jmachine.engine.fs.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CacheKeyTest {

    @TempDir
    Path dir;

    private final Digest parent = Digest.of("parent".getBytes());

    @Test
    void keyDependsOnParentInstructionAndInputs() {
        CacheKey key = CacheKey.of(parent, "RUN [/bin/sh, -c, make]", List.of("A=1"));
        assertEquals(key, CacheKey.of(parent, "RUN [/bin/sh, -c, make]", List.of("A=1")));
        assertNotEquals(key, CacheKey.of(Digest.of("other".getBytes()), "RUN [/bin/sh, -c, make]", List.of("A=1")));
        assertNotEquals(key, CacheKey.of(parent, "RUN [/bin/sh, -c, make all]", List.of("A=1")));
        assertNotEquals(key, CacheKey.of(parent, "RUN [/bin/sh, -c, make]", List.of("A=2")), "build args in effect count");
        assertNotEquals(key, CacheKey.of(null, "RUN [/bin/sh, -c, make]", List.of("A=1")));
        assertNotEquals(CacheKey.of(parent, "ab", List.of()), CacheKey.of(parent, "a", List.of("b")), "parts are delimited");
    }

    @Test
    void checksumFollowsContentAndModeNotTimes() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "one");
        String before = checksum("src");
        Files.setLastModifiedTime(src.resolve("a.txt"), FileTime.fromMillis(0));
        assertEquals(before, checksum("src"), "a touched file is the same input");
        Files.writeString(src.resolve("a.txt"), "two");
        String changed = checksum("src");
        assertNotEquals(before, changed);
        Files.setAttribute(src.resolve("a.txt"), "unix:mode", 0755);
        assertNotEquals(changed, checksum("src"), "the mode is part of the input");
        Files.move(src.resolve("a.txt"), src.resolve("b.txt"));
        assertNotEquals(changed, checksum("src"), "so is the name");
    }

    @Test
    void aLinkedFileCountsByTheContentItLeadsToInsideTheContext() throws Exception {
        Files.writeString(dir.resolve("target.txt"), "one");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/target.txt"));
        String before = checksum("link");
        Files.writeString(dir.resolve("target.txt"), "two");
        assertNotEquals(before, checksum("link"));
    }

    private String checksum(String path) throws Exception {
        try (Root root = Root.open(dir)) {
            return CacheKey.checksum(root, List.of(path));
        }
    }
}
