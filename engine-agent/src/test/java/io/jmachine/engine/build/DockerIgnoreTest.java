package io.jmachine.engine.build;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerIgnoreTest {

    @Test
    void globsStayInOneFolder() {
        DockerIgnore ignore = DockerIgnore.parse("*.txt\n# comment\n\n/build\n");
        assertTrue(ignore.excludes("a.txt"));
        assertFalse(ignore.excludes("dir/a.txt"), "* does not cross a /");
        assertTrue(ignore.excludes("build"));
        assertTrue(ignore.excludes("build/deep/file"), "a matched folder takes what is below it");
        assertFalse(ignore.excludes("src/build"));
    }

    @Test
    void doubleStarSpansFolders() {
        DockerIgnore ignore = DockerIgnore.parse("**/*.log\nsecrets/**\n");
        assertTrue(ignore.excludes("a.log"));
        assertTrue(ignore.excludes("x/y/z.log"));
        assertTrue(ignore.excludes("secrets/a/b"));
        assertFalse(ignore.excludes("secretsfile"));
    }

    @Test
    void exceptionsAndTheLastMatchWins() {
        DockerIgnore ignore = DockerIgnore.parse("*.md\n!README.md\nREADME*.md\n!docs\n");
        assertTrue(ignore.excludes("CHANGES.md"));
        assertTrue(ignore.excludes("README.md"), "the later README*.md excludes it again");
        DockerIgnore keep = DockerIgnore.parse("docs\n!docs/keep.txt\n");
        assertTrue(keep.excludes("docs/other.txt"));
        assertFalse(keep.excludes("docs/keep.txt"));
    }

    @Test
    void questionMarksClassesAndCleaning() {
        DockerIgnore ignore = DockerIgnore.parse("./a?c\n[xy].bin\nsub/../top\n");
        assertTrue(ignore.excludes("abc"));
        assertFalse(ignore.excludes("a/c"));
        assertTrue(ignore.excludes("x.bin"));
        assertFalse(ignore.excludes("z.bin"));
        assertTrue(ignore.excludes("top"));
    }
}
