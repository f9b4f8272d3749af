package io.jmachine.drivers.kvm.image;

import io.jmachine.drivers.DriverException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDigestsTest {

    @TempDir
    Path dir;

    private static final String SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void aDigestIsKeptForTheFilesSizeAndTimeAndTakenAgainWhenTheyChange() throws Exception {
        Path file = Files.writeString(dir.resolve("bundle.tar.gz"), "abc");
        ImageDigests digests = new ImageDigests(dir.resolve("digests"));
        assertEquals(SHA256_OF_ABC, digests.sha256(file));

        // same size and time: what was kept answers, not the content
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, "xyz");
        Files.setLastModifiedTime(file, time);
        assertEquals(SHA256_OF_ABC, digests.sha256(file));

        Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 1000));
        assertEquals(ImageDigests.compute(file), digests.sha256(file));
    }

    @Test
    void aFolderThatCannotBeWrittenStillGivesTheDigest() throws Exception {
        Path file = Files.writeString(dir.resolve("bundle.tar.gz"), "abc");
        Path notAFolder = Files.writeString(dir.resolve("file"), "");
        assertEquals(SHA256_OF_ABC, new ImageDigests(notAFolder.resolve("digests")).sha256(file));
    }

    @Test
    void aMissingFileIsAnErrorThatNamesIt() {
        DriverException e = assertThrows(DriverException.class, () -> new ImageDigests(dir).sha256(dir.resolve("gone.tar.gz")));
        assertTrue(e.getMessage().contains("gone.tar.gz"), e.getMessage());
    }
}
