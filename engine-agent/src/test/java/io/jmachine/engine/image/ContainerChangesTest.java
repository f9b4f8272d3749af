package io.jmachine.engine.image;

import io.jmachine.engine.fs.Folder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docker diff from an overlay's upper folder, as moby's OverlayChanges reads it. */
class ContainerChangesTest {

    @TempDir
    Path dir;

    private static String kinds(List<ContainerChanges.Change> changes) {
        StringBuilder out = new StringBuilder();
        changes.forEach(c -> out.append(c.kind()).append(' ').append(c.path()).append('\n'));
        return out.toString();
    }

    @Test
    void addedModifiedAndDeletedEntriesWithTheFoldersTheyChanged() throws Exception {
        Path lower = Files.createDirectories(dir.resolve("lower"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        FileTime time = FileTime.fromMillis(1_700_000_000_000L);
        for (String folder : List.of("bin", "etc", "same")) {
            Files.createDirectories(lower.resolve(folder));
        }
        Files.writeString(lower.resolve("etc/passwd"), "root\n");
        Files.writeString(lower.resolve("bin/ls"), "ls");
        // etc and same are copied up unchanged (what overlay does for a folder on the way to a change)
        for (String folder : List.of("bin", "etc", "same")) {
            Files.createDirectories(upper.resolve(folder));
            Files.setLastModifiedTime(upper.resolve(folder), time);
            Files.setLastModifiedTime(lower.resolve(folder), time);
        }
        Files.writeString(upper.resolve("etc/passwd"), "root\nuser\n");
        Files.setLastModifiedTime(upper.resolve("etc"), time);
        Files.createDirectories(upper.resolve("new/deeper"));
        Files.writeString(upper.resolve("new/deeper/file"), "x");
        try (Folder bin = Folder.open(upper.resolve("bin"))) {
            bin.mknod("ls", 0020000 | 0, 0);
        }
        Files.setLastModifiedTime(upper.resolve("bin"), time);
        assertEquals("""
                0 /bin
                2 /bin/ls
                0 /etc/passwd
                1 /new
                1 /new/deeper
                1 /new/deeper/file
                """, kinds(ContainerChanges.of(upper, List.of(lower))));
    }

    @Test
    void anOpaqueFolderIsDeletedAndWhatItHoldsNowIsAddedOrModified() throws Exception {
        Path lower = Files.createDirectories(dir.resolve("lower"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(lower.resolve("data/old"));
        Files.createDirectories(upper.resolve("data"));
        Files.writeString(upper.resolve("data/fresh"), "x");
        try (Folder top = Folder.open(upper)) {
            top.setXattr("data", "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("""
                2 /data
                1 /data/fresh
                """, kinds(ContainerChanges.of(upper, List.of(lower))));
    }

    @Test
    void aFileOfALowerLayerIsAModificationWhicheverLayerHasIt() throws Exception {
        Path bottom = Files.createDirectories(dir.resolve("bottom"));
        Path top = Files.createDirectories(dir.resolve("top"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.writeString(bottom.resolve("deep"), "1");
        Files.writeString(upper.resolve("deep"), "2");
        Files.writeString(upper.resolve("fresh"), "3");
        assertEquals("""
                0 /deep
                1 /fresh
                """, kinds(ContainerChanges.of(upper, List.of(top, bottom))));
    }
}
