package io.jmachine.provisioner.install;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstBootBundleTest {

    @TempDir
    Path dir;

    private Path bundle(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theDiskHoldsTheDecompressedTarballWithItsOwnDigestAndTheTarballsForTheInstallOverSsh() throws Exception {
        Path gz = bundle("bundle.tar.gz", "a tar's bytes");
        FirstBootBundle disk = FirstBootBundle.of(gz, dir.resolve("cache"));
        assertFalse(disk.gzip());
        assertArrayEquals("a tar's bytes".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(disk.file()));
        assertEquals(13, disk.size());
        assertEquals(sha256("a tar's bytes".getBytes(StandardCharsets.UTF_8)), disk.sha256());
        assertEquals(UploadEngineBundle.sha256(gz), disk.bundleSha256());
        assertEquals(dir.resolve("cache").resolve(disk.bundleSha256() + ".tar"), disk.file());
    }

    @Test
    void aSecondCreateReusesTheDecompressedTarball() throws Exception {
        Path gz = bundle("bundle.tar.gz", "same");
        FirstBootBundle first = FirstBootBundle.of(gz, dir.resolve("cache"));
        Files.writeString(first.file(), "kept"); // not written again: what is there is used
        Files.writeString(first.file().resolveSibling(first.file().getFileName() + ".sha256"), "feed\n");
        FirstBootBundle second = FirstBootBundle.of(gz, dir.resolve("cache"));
        assertEquals("kept", Files.readString(second.file()));
        assertEquals("feed", second.sha256());
    }

    @Test
    void onlyTheThreeMostRecentlyUsedTarballsAreKept() throws Exception {
        Path cache = dir.resolve("cache");
        for (int i = 0; i < 5; i++) {
            FirstBootBundle made = FirstBootBundle.of(bundle("b" + i + ".tar.gz", "bundle " + i), cache);
            Files.setLastModifiedTime(made.file(), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        FirstBootBundle latest = FirstBootBundle.of(bundle("b5.tar.gz", "bundle 5"), cache);
        try (var files = Files.list(cache)) {
            assertEquals(6, files.count(), "three tarballs and their digests");
        }
        assertTrue(Files.exists(latest.file()));
        assertFalse(Files.exists(cache.resolve(UploadEngineBundle.sha256(dir.resolve("b0.tar.gz")) + ".tar")));
    }

    @Test
    void withoutAWritableCacheTheTarballItselfServes() throws Exception {
        Path gz = bundle("bundle.tar.gz", "x");
        Path notADir = Files.writeString(dir.resolve("file"), "");
        FirstBootBundle disk = FirstBootBundle.of(gz, notADir.resolve("cache"));
        assertTrue(disk.gzip());
        assertEquals(gz, disk.file());
        assertEquals(disk.bundleSha256(), disk.sha256());
        assertEquals(Files.size(gz), disk.size());
    }
}
