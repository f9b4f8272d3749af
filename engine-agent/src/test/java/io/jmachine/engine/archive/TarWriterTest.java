package io.jmachine.engine.archive;

import io.jmachine.engine.image.Digest;
import io.jmachine.engine.testing.TarBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import io.jmachine.engine.fs.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarWriterTest {

    @TempDir
    Path dir;

    private static byte[] write(TarWriter.Markers markers, Path contents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter writer = new TarWriter(out, markers)) {
            writer.writeContents(contents);
            writer.finish();
        }
        return out.toByteArray();
    }

    private static List<String> entries(byte[] tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : e.isLink() ? " => " + e.getLinkName() : ""));
            }
        }
        return names;
    }

    @Test
    void anEmptyFolderIsTheWellKnownEmptyLayer() throws IOException {
        byte[] tar = write(TarWriter.Markers.OVERLAY_TO_OCI_WHITEOUTS, Files.createDirectories(dir.resolve("empty")));
        assertEquals(1024, tar.length);
        assertEquals(Digest.EMPTY_TAR, Digest.of(tar));
    }

    @Test
    void overlayMarkersBecomeOciWhiteoutsAndBack() throws IOException {
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(upper.resolve("etc"));
        LinuxFiles.mknodWhiteout(upper.resolve("etc/motd"));
        Files.createDirectories(upper.resolve("cache"));
        LinuxFiles.setXattr(upper.resolve("cache"), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(upper.resolve("cache/new"), "n");
        Files.writeString(upper.resolve("marker"), "data\n");
        Files.createLink(upper.resolve("marker2"), upper.resolve("marker"));
        Files.createSymbolicLink(upper.resolve("sh"), Path.of("/bin/busybox"));

        byte[] tar = write(TarWriter.Markers.OVERLAY_TO_OCI_WHITEOUTS, upper);
        assertEquals(List.of("cache/", "cache/.wh..wh..opq", "cache/new", "etc/", "etc/.wh.motd", "marker", "marker2 => marker",
                "sh -> /bin/busybox"), entries(tar));
        assertEquals(Digest.of(tar), Digest.of(write(TarWriter.Markers.OVERLAY_TO_OCI_WHITEOUTS, upper)), "the same tree gives the same tar");

        Path again = Files.createDirectories(dir.resolve("again"));
        TarExtractor.extract(new ByteArrayInputStream(tar), again, TarExtractor.Options.LAYER);
        assertEquals(0L, Files.getAttribute(again.resolve("etc/motd"), "unix:rdev", java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("y", new String(LinuxFiles.getXattr(again.resolve("cache"), "trusted.overlay.opaque"), StandardCharsets.US_ASCII));
        assertEquals("data\n", Files.readString(again.resolve("marker2")));
    }

    @Test
    void entriesLocatedInARootAreWrittenFromInsideIt() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        TarExtractor.extract(new ByteArrayInputStream(new TarBuilder()
                .file("srv/app/config", "c")
                .symlink("current", "/srv/app")
                .symlink("escape", outside.toString())
                .build()), root, TarExtractor.Options.PLAIN);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter writer = new TarWriter(out, TarWriter.Markers.AS_IS); Root inRoot = Root.open(root)) {
            try (Root.Located config = inRoot.locate("/current/config"); Root.Located current = inRoot.locate("current")) {
                writer.write(config.parent(), config.name(), "config");
                writer.write(current.parent(), current.name(), "current");
            }
            assertThrows(NoSuchFileException.class, () -> inRoot.locate("/escape/secret"));
            writer.finish();
        }
        assertEquals(List.of("config", "current -> /srv/app"), entries(out.toByteArray()));
        assertTrue(Files.exists(outside.resolve("secret")));
    }
}
