package io.jmachine.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.testing.TarBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A layer's tar rebuilt byte for byte from its record and its unpacked tree, for the tars that make that hard. */
class TarSplitTest {

    @TempDir
    Path dir;

    @Test
    void aPaxTarWithLongNamesLinksXattrsAndWhiteoutsIsRebuiltByteForByte() throws IOException {
        String longName = "deep/" + "d".repeat(120) + "/" + "f".repeat(150) + ".txt";
        byte[] tar = new TarBuilder()
                .dir("deep").dir("deep/" + "d".repeat(120))
                .file(longName, "a file behind a PAX path")
                .file("bin/tool", "x".repeat(5000), 0100755, 1000, 1000)
                .file("empty", "")
                .hardlink("bin/tool-link", "bin/tool")
                .symlink("bin/sh", "tool")
                .xattr("caps", "user.note", "kept")
                .file(".wh.removed", "")
                .dir("opaque").file("opaque/.wh..wh..opq", "")
                .file("naïve/ünïcode", "utf-8 names")
                .build();
        assertRebuilt(tar);
    }

    @Test
    void aTarWithGnuLongNamesIsRebuiltByteForByte() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, TarConstants.DEFAULT_RCDSIZE, "UTF-8")) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            String name = "g".repeat(200) + "/" + "n".repeat(180);
            byte[] data = random(70_000);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("short-link", TarConstants.LF_SYMLINK);
            link.setLinkName("t".repeat(300));
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }
        assertRebuilt(bytes.toByteArray());
    }

    @Test
    void aFileTheSameTarWritesTwiceKeepsItsFirstContentInTheRecord() throws IOException {
        byte[] tar = new TarBuilder().file("twice", "first, replaced in the tree").file("twice", "second").build();
        Path record = assertRebuilt(tar);
        assertTrue(new String(gunzip(record), StandardCharsets.ISO_8859_1).contains("first, replaced in the tree"));
    }

    @Test
    void aLargeFileIsReadFromTheTreeNotKeptInTheRecord() throws IOException {
        byte[] tar = new TarBuilder().file("big", new String(new char[2_000_000]).replace('\0', 'q') + "end").build();
        Path record = assertRebuilt(tar);
        assertTrue(Files.size(record) < 4096, "record of " + Files.size(record) + " bytes");
        assertEquals(tar.length, TarSplit.tarLength(record));
    }

    @Test
    void tarsGnuTarWritesWithSparseFilesAndPaddingAreRebuiltByteForByte() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")), "GNU tar");
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.write(source.resolve("data"), random(100_000));
        try (var file = new java.io.RandomAccessFile(source.resolve("sparse").toFile(), "rw")) {
            file.seek(5_000_000);
            file.write("hole before".getBytes(StandardCharsets.US_ASCII));
        }
        Files.createSymbolicLink(source.resolve("link"), Path.of("data"));
        for (String format : new String[]{"gnu", "pax"}) {
            Path tar = dir.resolve(format + ".tar");
            Process tarring = new ProcessBuilder("tar", "--format=" + format, "-S", "-C", source.toString(), "-cf", tar.toString(), ".")
                    .redirectErrorStream(true).start();
            assertEquals(0, tarring.waitFor(), new String(tarring.getInputStream().readAllBytes()));
            assertRebuilt(Files.readAllBytes(tar));
        }
    }

    @Test
    void aFileThatChangedSizeInTheTreeFailsTheRebuildByName() throws IOException {
        byte[] tar = new TarBuilder().file("etc/config", "original").build();
        Path record = assertRebuilt(tar);
        Files.writeString(dir.resolve("tree/etc/config"), "grown since");
        IOException failure = assertThrows(IOException.class, () -> {
            try (InputStream in = TarSplit.rebuild(record, dir.resolve("tree"))) {
                in.readAllBytes();
            }
        });
        assertTrue(failure.getMessage().contains("etc/config"), failure.getMessage());
    }

    @Test
    void aLayerKeepsItsRecordInsteadOfItsTarAndFailsClearlyWhenItsFilesChange() throws IOException {
        byte[] tar = new TarBuilder().dir("app").file("app/main", "x".repeat(10_000)).file("app/other", "y".repeat(3000)).build();
        ContentStore blobs = new ContentStore(dir.resolve("content"));
        LayerStore layers = new LayerStore(Files.createDirectories(dir.resolve("overlay2")), new ObjectMapper());
        LayerTars tars = new LayerTars(blobs, layers);
        Digest diffId = blobs.put(tar, null);
        Layer layer = layers.register(diffId, null, () -> blobs.open(diffId));
        tars.settle(layer);

        assertFalse(blobs.contains(diffId), "the tar is dropped once recorded");
        assertTrue(tars.contains(diffId));
        assertEquals(tar.length, tars.size(diffId));
        try (InputStream in = tars.open(diffId)) {
            assertArrayEquals(tar, in.readAllBytes());
        }
        Layer onTop = layers.register(diffId, layer, () -> tars.open(diffId));
        tars.settle(onTop);
        assertTrue(Files.isRegularFile(layers.tarRecord(onTop.chainId())), "a second chain of the same tar gets the record too");

        Files.writeString(layers.diffDir(layer.chainId()).resolve("app/main"), "z".repeat(10_000));
        Files.writeString(layers.diffDir(onTop.chainId()).resolve("app/main"), "z".repeat(10_000));
        EngineException failure = assertThrows(EngineException.class, () -> {
            try (InputStream in = tars.open(diffId)) {
                in.readAllBytes();
            }
        });
        assertTrue(failure.getMessage().contains(diffId.toString()) && failure.getMessage().contains("changed"), failure.getMessage());
    }

    @Test
    void aLayerWhoseFilesDoNotGiveBackItsTarKeepsTheTarWhole() throws IOException {
        byte[] tar = new TarBuilder().file("app/main", "x".repeat(10_000)).build();
        ContentStore blobs = new ContentStore(dir.resolve("content"));
        LayerStore layers = new LayerStore(Files.createDirectories(dir.resolve("overlay2")), new ObjectMapper());
        LayerTars tars = new LayerTars(blobs, layers);
        Digest diffId = blobs.put(tar, null);
        Layer layer = layers.register(diffId, null, () -> blobs.open(diffId));
        Files.writeString(layers.diffDir(layer.chainId()).resolve("app/main"), "z".repeat(10_000));
        tars.settle(layer);

        assertTrue(blobs.contains(diffId), "the tar stays");
        assertFalse(Files.exists(layers.tarRecord(layer.chainId())));
        try (InputStream in = tars.open(diffId)) {
            assertArrayEquals(tar, in.readAllBytes());
        }
    }

    /** Unpacks {@code tar} as a layer, records it, rebuilds it and asserts the same bytes; returns the record. */
    private Path assertRebuilt(byte[] tar) throws IOException {
        Path tree = dir.resolve("tree");
        io.jmachine.engine.fs.Folder.deleteTree(tree);
        Files.createDirectories(tree);
        TarExtractor.extract(new ByteArrayInputStream(tar), tree, TarExtractor.Options.LAYER);
        Path tarFile = dir.resolve("layer.tar");
        Files.write(tarFile, tar);
        Path record = dir.resolve("record.gz");
        try (var out = Files.newOutputStream(record)) {
            assertEquals(tar.length, TarSplit.write(tarFile, tree, out));
        }
        try (InputStream in = TarSplit.rebuild(record, tree)) {
            assertArrayEquals(tar, in.readAllBytes());
        }
        return record;
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
