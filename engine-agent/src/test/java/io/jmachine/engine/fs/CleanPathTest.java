package io.jmachine.engine.fs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CleanPathTest {

    @Test
    void cleansAsGosPathCleanDoes() {
        assertEquals("/a/c", CleanPath.clean("/a/./b/../c/"));
        assertEquals("/x", CleanPath.clean("/../x"));
        assertEquals("..", CleanPath.clean("a/../.."));
        assertEquals("../../b", CleanPath.clean("../../a/../b"));
        assertEquals(".", CleanPath.clean(""));
        assertEquals("/", CleanPath.clean("//"));
    }

    @Test
    void aRootsCleanPathHasNoLeadingSlashAndNeverClimbs() {
        assertEquals("a/c", Root.clean("/a/./b/../c/"));
        assertEquals("x", Root.clean("../x"));
        assertEquals("", Root.clean("/"));
        assertEquals("", Root.clean(".."));
    }
}
