package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.testing.TarBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Docker's rmi and prune rules against real stores in a temp folder; containers are what the usage map says. */
class ImageRemovalTest {

    @TempDir
    Path dataRoot;

    private ImageService images;
    private final Map<Digest, List<ImageUsage.ContainerUse>> containers = new HashMap<>();
    private final ImageUsage usage = id -> containers.getOrDefault(id, List.of());

    @BeforeEach
    void open() {
        images = ImageService.open(dataRoot);
    }

    private Image importTar(String repo, String content) throws IOException {
        byte[] tar = new TarBuilder().dir("etc").file("etc/content", content).build();
        return images.importImage(new ByteArrayInputStream(tar), repo, null, List.of(), null);
    }

    private void use(Image image, String containerId, boolean running) {
        containers.computeIfAbsent(image.id(), id -> new ArrayList<>()).add(new ImageUsage.ContainerUse(containerId, running));
    }

    private static List<String> lines(List<DeleteResponse> responses) {
        return responses.stream().map(r -> r.untagged() != null ? "Untagged: " + r.untagged() : "Deleted: " + r.deleted()).toList();
    }

    @Test
    void removingOneOfTwoTagsOnlyUntags() throws IOException {
        Image image = importTar("localhost/acc/busybox:1", "a");
        images.tag("localhost/acc/busybox:1", "localhost/acc/busybox", "latest");
        assertEquals(List.of("localhost/acc/busybox:1", "localhost/acc/busybox:latest"), images.repoTags(image.id()));
        assertEquals(List.of("Untagged: localhost/acc/busybox:latest"), lines(images.remove("localhost/acc/busybox:latest", false, true, usage)));
        assertEquals(image.id(), images.resolve("localhost/acc/busybox:1").id());
    }

    @Test
    void removingTheLastTagDeletesTheImageAndItsLayer() throws IOException {
        Image image = importTar("localhost/acc/busybox:1", "a");
        Digest layer = image.chainIds().getFirst();
        assertEquals(List.of("Untagged: localhost/acc/busybox:1", "Deleted: " + image.id(), "Deleted: " + layer),
                lines(images.remove("localhost/acc/busybox:1", false, true, usage)));
        EngineException gone = assertThrows(EngineException.class, () -> images.resolve("localhost/acc/busybox:1"));
        assertEquals("No such image: localhost/acc/busybox:1", gone.getMessage());
        assertFalse(Files.exists(dataRoot.resolve("overlay2").resolve(layer.hex())));
        assertFalse(Files.exists(dataRoot.resolve("image/content/blobs/sha256").resolve(layer.hex())));
    }

    @Test
    void untaggingTheOnlyTagOfAnImageInUseMustBeForced() throws IOException {
        Image image = importTar("localhost/acc/app:1", "a");
        use(image, "c0ffee1234567890", false);
        EngineException e = assertThrows(EngineException.class, () -> images.remove("localhost/acc/app:1", false, true, usage));
        assertEquals(EngineException.Kind.CONFLICT, e.kind());
        assertEquals("conflict: unable to remove repository reference \"localhost/acc/app:1\" (must force) - container c0ffee123456 "
                + "is using its referenced image " + image.id().shortHex(), e.getMessage());
        // forced: a stopped container is only a soft conflict, so the image goes too (moby does the same;
        // the container's root file system keeps the layers it stands on)
        List<String> forced = lines(images.remove("localhost/acc/app:1", true, true, usage));
        assertEquals(List.of("Untagged: localhost/acc/app:1", "Deleted: " + image.id()), forced.subList(0, 2));
    }

    @Test
    void aRunningContainerIsAHardConflictEvenWhenForced() throws IOException {
        Image image = importTar("localhost/acc/app:1", "a");
        use(image, "abcdef0123456789", true);
        for (boolean force : new boolean[] {false, true}) {
            EngineException e = assertThrows(EngineException.class, () -> images.remove(image.id().shortHex(), force, true, usage));
            assertEquals(EngineException.Kind.CONFLICT, e.kind());
            assertEquals("conflict: unable to delete " + image.id().shortHex() + " (cannot be forced) - image is being used by running "
                    + "container abcdef012345", e.getMessage());
        }
    }

    @Test
    void aStoppedContainerIsASoftConflict() throws IOException {
        Image image = importTar(null, "a");
        use(image, "abcdef0123456789", false);
        EngineException e = assertThrows(EngineException.class, () -> images.remove(image.id().toString(), false, true, usage));
        assertEquals("conflict: unable to delete " + image.id().shortHex() + " (must be forced) - image is being used by stopped "
                + "container abcdef012345", e.getMessage());
        List<String> forced = lines(images.remove(image.id().toString(), true, true, usage));
        assertEquals("Deleted: " + image.id(), forced.getFirst());
        assertFalse(images.find(image.id().toString()).isPresent());
    }

    @Test
    void tagsInSeveralRepositoriesMustBeForcedById() throws IOException {
        Image image = importTar("localhost/one/app:1", "a");
        images.tag(image.id().toString(), "localhost/two/app", "1");
        EngineException e = assertThrows(EngineException.class, () -> images.remove(image.id().hex(), false, true, usage));
        assertEquals("conflict: unable to delete " + image.id().shortHex() + " (must be forced) - image is referenced in multiple "
                + "repositories", e.getMessage());
    }

    @Test
    void pruneRemovesDanglingImagesOnly() throws IOException {
        Image tagged = importTar("localhost/acc/kept:1", "kept");
        Image dangling = importTar(null, "dangling");
        Image used = importTar(null, "used");
        use(used, "ffffffffffff0000", false);
        PruneReport report = images.prune(ImageFilters.NONE, usage);
        assertTrue(lines(report.imagesDeleted()).contains("Deleted: " + dangling.id()), report.toString());
        assertTrue(report.spaceReclaimed() > 0);
        assertTrue(images.find(tagged.id().toString()).isPresent());
        assertTrue(images.find(used.id().toString()).isPresent());
        assertFalse(images.find(dangling.id().toString()).isPresent());
    }

    @Test
    void isSingleReferenceFollowsMoby() {
        ImageReference one = ImageReference.parse("a:1");
        ImageReference two = ImageReference.parse("a:2");
        ImageReference digest = ImageReference.parse("a@sha256:" + "a".repeat(64));
        assertTrue(ImageRemoval.isSingleReference(List.of(one)));
        assertTrue(ImageRemoval.isSingleReference(List.of(one, digest)));
        assertFalse(ImageRemoval.isSingleReference(List.of(one, two)));
        assertFalse(ImageRemoval.isSingleReference(List.of()));
    }
}
