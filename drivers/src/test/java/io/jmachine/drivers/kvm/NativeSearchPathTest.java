package io.jmachine.drivers.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeSearchPathTest {

    @Test
    void theFoldersAreTheLinkerConfigsInOrderFollowingGlobIncludesThenTheTrustedOnes(@TempDir Path root) throws IOException {
        Path multiarch = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Path local = Files.createDirectories(root.resolve("usr/local/lib"));
        Path d = Files.createDirectories(root.resolve("ld.so.conf.d"));
        Files.writeString(d.resolve("b-arch.conf"), "# Multiarch support\n" + multiarch + "\n" + root.resolve("gone") + "\n");
        Files.writeString(d.resolve("a-libc.conf"), local + "   # a comment after the path\n");
        Files.writeString(d.resolve("ignored.txt"), root.resolve("usr") + "\n");
        Path conf = Files.writeString(root.resolve("ld.so.conf"), "include ld.so.conf.d/*.conf\n\n");

        List<String> folders = NativeSearchPath.folders(conf);

        assertEquals(List.of(local.toString(), multiarch.toString()), folders.subList(0, 2), "the configs' folders, a-libc first");
        assertTrue(folders.stream().noneMatch(f -> f.endsWith("gone") || f.equals(root.resolve("usr").toString())), folders.toString());
        assertTrue(folders.subList(2, folders.size()).stream().allMatch(f -> List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib").contains(f)),
                folders.toString());
    }

    @Test
    void configsThatIncludeEachOtherEndAndAMissingConfigLeavesTheTrustedFolders(@TempDir Path root) throws IOException {
        Path lib = Files.createDirectories(root.resolve("lib"));
        Path conf = root.resolve("ld.so.conf");
        Files.writeString(conf, "include ld.so.conf\n" + lib + "\n");

        assertEquals(lib.toString(), NativeSearchPath.folders(conf).getFirst());
        assertTrue(NativeSearchPath.folders(root.resolve("none.conf")).stream()
                .allMatch(f -> List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib").contains(f)));
    }
}
