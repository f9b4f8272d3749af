package io.jmachine.drivers.kvm.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class AptSourcesTest {

    @TempDir
    Path etcApt;

    @Test
    void deb822SourcesGiveTheMainArchiveNotSecurity() throws Exception {
        Files.createDirectories(etcApt.resolve("sources.list.d"));
        Files.writeString(etcApt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main

                Types: deb
                # a comment
                URIs: http://mirror.example/debian/
                Suites: bookworm bookworm-updates
                Components: main
                """);
        assertEquals(Optional.of("http://mirror.example/debian/"), AptSources.debianMirror(etcApt));
    }

    @Test
    void oneLineSourcesSkipOtherArchivesAndDebSrc() throws Exception {
        Files.createDirectories(etcApt.resolve("sources.list.d"));
        Files.writeString(etcApt.resolve("sources.list.d/cloud.list"), "deb https://packages.example/apt cloud-sdk main\n");
        Files.writeString(etcApt.resolve("sources.list"), """
                # deb http://old.example/debian bookworm main
                deb-src http://src.example/debian bookworm main
                deb [arch=amd64 signed-by=/k.gpg] http://local.example/debian bookworm main
                """);
        assertEquals(Optional.of("http://local.example/debian"), AptSources.debianMirror(etcApt));
    }

    @Test
    void noDebianMirrorIsEmpty() throws Exception {
        Files.writeString(etcApt.resolve("sources.list"), "deb https://packages.example/apt stable main\n");
        assertEquals(Optional.empty(), AptSources.debianMirror(etcApt));
    }

    @Test
    void theCacheKeyFollowsTheInputs() {
        ImageCache cache = new ImageCache(etcApt.resolve("cache"), etcApt);
        Path a = cache.folderOf(DebianImageRecipe.bookworm("http://a.example/debian"));
        assertEquals(a, cache.folderOf(DebianImageRecipe.bookworm("http://a.example/debian")));
        assertNotEquals(a, cache.folderOf(DebianImageRecipe.bookworm("http://b.example/debian")));
        assertEquals(etcApt.resolve("cache/images"), a.getParent());
    }
}
