package io.jmachine.engine.archive;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.fs.Folder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The extractor's one invariant, under any archive: nothing is written outside the root, ever. The root sits in a
 * folder with canaries beside it (a file, a folder, a link back into the root); after each archive, extracted or
 * refused, they are as they were and nothing new is there. Archives are built from the fuzzer's choices (names with
 * "..", absolute paths, links, whiteouts), or taken raw. The corpus (TarExtractorFuzzTestInputs) runs in every build.
 */
class TarExtractorFuzzTest {

    private static final List<String> NAMES = List.of("a", "b/c", "../canary", "../outside/x", "/etc/passwd-x", "link", "link/x",
            "b/../../canary", "./a", "b/.wh.c", ".wh..wh..opq", "b/.wh..wh..opq", "dir/", "..", ".", "b/link/../x");
    private static final List<String> TARGETS = List.of("..", "../outside", "/", "/etc", "a", "b", "../canary", "link", "b/c", "../..");

    @FuzzTest(maxDuration = "60s")
    void nothingIsWrittenOutsideTheRoot(FuzzedDataProvider data) throws IOException {
        Path base = Files.createTempDirectory("jm-tar-fuzz");
        try {
            Path root = Files.createDirectory(base.resolve("root"));
            Files.writeString(base.resolve("canary"), "canary");
            Files.createDirectory(base.resolve("outside"));
            Files.createSymbolicLink(base.resolve("outside/back"), root);
            Set<String> before = snapshot(base, root);
            byte[] archive = data.consumeBoolean() ? data.consumeRemainingAsBytes() : build(data);
            try {
                TarExtractor.extract(new ByteArrayInputStream(archive), root,
                        archive.length % 2 == 0 ? TarExtractor.Options.LAYER : TarExtractor.Options.PLAIN);
            } catch (EngineException | IOException refused) {
                // refused, perhaps half-way: what matters is where it wrote
            }
            assertEquals(before, snapshot(base, root), "outside the root");
            assertEquals("canary", Files.readString(base.resolve("canary")));
        } finally {
            Folder.deleteTree(base);
        }
    }

    private static byte[] build(FuzzedDataProvider data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            int entries = data.consumeInt(0, 8);
            for (int i = 0; i < entries; i++) {
                String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(40);
                if (name.isEmpty()) {
                    continue;
                }
                byte type = data.pickValue(new Byte[] {TarArchiveEntry.LF_NORMAL, TarArchiveEntry.LF_DIR, TarArchiveEntry.LF_SYMLINK,
                        TarArchiveEntry.LF_LINK});
                TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
                if (type == TarArchiveEntry.LF_SYMLINK || type == TarArchiveEntry.LF_LINK) {
                    entry.setLinkName(data.consumeBoolean() ? data.pickValue(TARGETS) : data.consumeString(30));
                }
                entry.setMode(data.consumeInt(0, 07777));
                byte[] content = type == TarArchiveEntry.LF_NORMAL && !entry.isDirectory() ? data.consumeBytes(64) : new byte[0];
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IllegalArgumentException unwritable) {
            // a name commons-compress cannot write: the archive so far is the input
        }
        return bytes.toByteArray();
    }

    /** Every path in base outside root, with a file's content and a link's target. */
    private static Set<String> snapshot(Path base, Path root) throws IOException {
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path path : walk.filter(p -> !p.startsWith(root)).toList()) {
                String what = Files.isSymbolicLink(path) ? "-> " + Files.readSymbolicLink(path)
                        : Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? new String(Files.readAllBytes(path), StandardCharsets.UTF_8)
                        : "dir";
                seen.add(base.relativize(path) + " " + what);
            }
        }
        return seen;
    }
}
