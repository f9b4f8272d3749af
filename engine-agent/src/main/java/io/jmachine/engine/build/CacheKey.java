package io.jmachine.engine.build;

import io.jmachine.engine.image.Digest;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

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
     * A checksum of files as a COPY would take them: each path (in {@code root}) and everything below it, its type,
     * mode and content or link target; times and owners are left out, as moby's tarsum does for the cache. A path
     * is followed inside the root as COPY follows it; below it nothing is.
     */
    public static String checksum(Root root, List<String> paths) throws IOException {
        MessageDigest sha = Digest.sha256();
        for (String path : paths) {
            Stat stat = root.stat(path, true);
            if (stat.isDirectory()) {
                try (Folder folder = root.folder(path)) {
                    update(sha, path, stat);
                    addTree(sha, folder, path);
                }
            } else {
                update(sha, path, stat);
                if (stat.isRegularFile()) {
                    try (Folder.OpenFile file = root.read(path)) {
                        addContent(sha, file);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void addTree(MessageDigest sha, Folder folder, String path) throws IOException {
        for (String name : folder.list()) {
            String childPath = path.isEmpty() ? name : path + "/" + name;
            Stat stat = folder.stat(name);
            if (stat.isDirectory()) {
                update(sha, childPath, stat);
                try (Folder child = folder.folder(name)) {
                    addTree(sha, child, childPath);
                }
            } else {
                addEntry(sha, folder, name, childPath, stat);
            }
        }
    }

    private static void addEntry(MessageDigest sha, Folder folder, String name, String path, Stat stat) throws IOException {
        update(sha, path, stat);
        if (stat.isSymbolicLink()) {
            update(sha, "link:" + folder.readLink(name));
        } else if (stat.isRegularFile()) {
            try (Folder.OpenFile file = folder.read(name)) {
                addContent(sha, file);
            }
        }
    }

    private static void addContent(MessageDigest sha, Folder.OpenFile file) throws IOException {
        update(sha, "file:" + file.stat().size());
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (file.channel().read(buffer.clear()) > 0) {
            sha.update(buffer.flip());
        }
    }

    private static void update(MessageDigest sha, String path, Stat stat) {
        update(sha, path);
        update(sha, Integer.toOctalString(stat.mode()));
    }

    private static void update(MessageDigest sha, String part) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
