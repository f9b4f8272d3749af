package io.jmachine.provisioner.install;

import io.jmachine.drivers.kvm.image.ImageDigests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstBootBundleTest {

    @TempDir
    Path dir;

    /** A bundle as make-bundle.sh lays it out: one top folder, stripped when it is unpacked. */
    private Path bundle(String name, String launcher) throws Exception {
        Path top = dir.resolve("src-" + name).resolve("jmachine-engine");
        Files.createDirectories(top.resolve("bin"));
        Files.writeString(top.resolve("bin/jmachine-engine"), launcher);
        Files.createDirectories(top.resolve("lib"));
        Files.write(top.resolve("lib/engine.jar"), new byte[300_000]);
        Path file = dir.resolve(name);
        Process tar = new ProcessBuilder("tar", "-czf", file.toString(), "-C", top.getParent().toString(), "jmachine-engine")
                .redirectErrorStream(true).start();
        assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return file;
    }

    private static FirstBootBundle imageOf(Path bundle, Path cache) throws Exception {
        return FirstBootBundle.of(bundle, ImageDigests.compute(bundle), cache);
    }

    /** A file's content inside an ext4 image, read without mounting it. */
    private static String readFromImage(Path image, String path) throws Exception {
        Process debugfs = new ProcessBuilder("debugfs", "-R", "cat " + path, image.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String content = new String(debugfs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, debugfs.waitFor());
        return content;
    }

    @Test
    void theDiskIsAFilesystemWithTheUnpackedBundleAndTheTarballsDigestForTheInstallOverSsh() throws Exception {
        Path gz = bundle("bundle.tar.gz", "#!/bin/sh\necho engine\n");
        FirstBootBundle disk = imageOf(gz, dir.resolve("cache"));
        assertEquals(FirstBootBundle.Format.FILESYSTEM, disk.format());
        assertEquals(dir.resolve("cache").resolve(disk.bundleSha256() + ".ext4"), disk.file());
        assertEquals(ImageDigests.compute(gz), disk.bundleSha256());
        assertEquals(ImageDigests.compute(disk.file(), "SHA-512"), disk.sha512());
        assertEquals(Files.size(disk.file()), disk.size());
        assertEquals("#!/bin/sh\necho engine\n", readFromImage(disk.file(), "/bin/jmachine-engine"));
        assertEquals(disk.bundleSha256() + "\n", readFromImage(disk.file(), "/.bundle-sha256"));
        try (var files = Files.list(dir.resolve("cache"))) {
            assertEquals(2, files.count(), "the image and its digest, no scratch folder left");
        }
    }

    @Test
    void anImageAnEarlierVersionKeptWithItsSha256IsMadeAgainWithItsSha512() throws Exception {
        Path gz = bundle("bundle.tar.gz", "again");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path earlier = cache.resolve(ImageDigests.compute(gz) + ".ext4");
        Files.writeString(earlier, "an image an earlier version made");
        Files.writeString(cache.resolve(earlier.getFileName() + ".sha256"), "feed\n");
        FirstBootBundle disk = imageOf(gz, cache);
        assertEquals("again", readFromImage(disk.file(), "/bin/jmachine-engine"));
        assertEquals(ImageDigests.compute(disk.file(), "SHA-512"), disk.sha512());
        try (var files = Files.list(cache)) {
            assertEquals(2, files.count(), "the image and its SHA-512, the SHA-256 file gone");
        }
    }

    @Test
    void aSecondCreateReusesTheImage() throws Exception {
        Path gz = bundle("bundle.tar.gz", "same");
        FirstBootBundle first = imageOf(gz, dir.resolve("cache"));
        Files.writeString(first.file(), "kept"); // not made again: what is there is used
        Files.writeString(first.file().resolveSibling(first.file().getFileName() + ".sha512"), "feed\n");
        FirstBootBundle second = imageOf(gz, dir.resolve("cache"));
        assertEquals("kept", Files.readString(second.file()));
        assertEquals("feed", second.sha512());
    }

    @Test
    void onlyTheThreeMostRecentlyUsedImagesAreKeptAndEarlierVersionsTarballsGo() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.writeString(cache.resolve("ab.tar"), "a decompressed tarball an earlier jmachine kept");
        Files.writeString(cache.resolve("ab.tar.sha256"), "ab\n");
        for (int i = 0; i < 5; i++) {
            FirstBootBundle made = imageOf(bundle("b" + i + ".tar.gz", "bundle " + i), cache);
            Files.setLastModifiedTime(made.file(), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        FirstBootBundle latest = imageOf(bundle("b5.tar.gz", "bundle 5"), cache);
        try (var files = Files.list(cache)) {
            assertEquals(6, files.count(), "three images and their digests");
        }
        assertTrue(Files.exists(latest.file()));
        assertFalse(Files.exists(cache.resolve(ImageDigests.compute(dir.resolve("b0.tar.gz")) + ".ext4")));
        assertFalse(Files.exists(cache.resolve("ab.tar")));
    }

    @Test
    void withoutAWritableCacheTheTarballItselfServes() throws Exception {
        Path gz = bundle("bundle.tar.gz", "x");
        Path notADir = Files.writeString(dir.resolve("file"), "");
        FirstBootBundle disk = imageOf(gz, notADir.resolve("cache"));
        assertEquals(FirstBootBundle.Format.TARBALL, disk.format());
        assertEquals(gz, disk.file());
        assertEquals(ImageDigests.compute(gz, "SHA-512"), disk.sha512());
        assertEquals(Files.size(gz), disk.size());
    }

    @Test
    void aBundleThatIsNotATarballIsServedAsItIsAndLeavesNothingInTheCache() throws Exception {
        Path gz = dir.resolve("broken.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("not a tar".getBytes(StandardCharsets.UTF_8));
        }
        FirstBootBundle disk = imageOf(gz, dir.resolve("cache"));
        assertEquals(FirstBootBundle.Format.TARBALL, disk.format());
        try (var files = Files.list(dir.resolve("cache"))) {
            assertEquals(0, files.count());
        }
    }
}
