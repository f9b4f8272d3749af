package io.jmachine.engine.build;

import io.jmachine.engine.image.Digest;
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
        String before = CacheKey.checksum(dir, List.of(src));
        Files.setLastModifiedTime(src.resolve("a.txt"), FileTime.fromMillis(0));
        assertEquals(before, CacheKey.checksum(dir, List.of(src)), "a touched file is the same input");
        Files.writeString(src.resolve("a.txt"), "two");
        String changed = CacheKey.checksum(dir, List.of(src));
        assertNotEquals(before, changed);
        Files.setAttribute(src.resolve("a.txt"), "unix:mode", 0755);
        assertNotEquals(changed, CacheKey.checksum(dir, List.of(src)), "the mode is part of the input");
        Files.move(src.resolve("a.txt"), src.resolve("b.txt"));
        assertNotEquals(changed, CacheKey.checksum(dir, List.of(src)), "so is the name");
    }
}
