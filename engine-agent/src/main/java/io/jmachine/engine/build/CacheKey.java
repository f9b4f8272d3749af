package io.jmachine.engine.build;

import io.jmachine.engine.image.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What makes two build steps the same, as Docker's cache sees it: the image the step starts from, the
 * instruction after substitution, and what else it depends on (the build args a RUN sees, a content
 * checksum of the files a COPY or ADD takes). Equal keys mean the step's result can be reused.
 */
public record CacheKey(String hex) {

    /** @param parent the image the step runs on, null for scratch */
    public static CacheKey of(Digest parent, String instruction, List<String> inputs) {
        MessageDigest sha = Digest.sha256();
        update(sha, parent == null ? "scratch" : parent.toString());
        update(sha, instruction);
        for (String input : inputs) {
            update(sha, input);
        }
        return new CacheKey(HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * A checksum of files as a COPY would take them: each path below {@code base} (relative), its type, mode
     * and content or link target; times and owners are left out, as moby's tarsum does for the cache.
     */
    public static String checksum(Path base, List<Path> sources) throws IOException {
        MessageDigest sha = Digest.sha256();
        for (Path source : sources) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    walk.sorted().forEach(files::add);
                }
            } else {
                files.add(source);
            }
            for (Path file : files) {
                PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                update(sha, base.relativize(file).toString());
                update(sha, Integer.toOctalString(mode));
                if (attributes.isSymbolicLink()) {
                    update(sha, "link:" + Files.readSymbolicLink(file));
                } else if (attributes.isRegularFile()) {
                    update(sha, "file:" + attributes.size());
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] buffer = new byte[65536];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                        }
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String part) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
