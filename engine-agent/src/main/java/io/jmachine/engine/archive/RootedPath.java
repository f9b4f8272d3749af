package io.jmachine.engine.archive;

import io.jmachine.engine.api.ApiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a root folder as if the root were "/" (like Go's securejoin): every component is
 * looked up inside the root, symlinks (absolute or relative) are followed inside the root, and ".." stops at
 * the root. The result therefore never names anything outside the root, whatever links the tree holds.
 */
public final class RootedPath {

    /** Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS is 40; be generous but finite). */
    private static final int MAX_LINKS = 255;

    private RootedPath() {
    }

    /**
     * The host path for {@code path} inside {@code root}.
     *
     * @param followFinal whether a symlink in the last component is followed too (false: the link itself)
     */
    public static Path resolve(Path root, String path, boolean followFinal) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            Path candidate = join(root, resolved).resolve(part);
            if ((followFinal || !todo.isEmpty()) && Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw ApiException.badRequest("too many levels of symbolic links resolving " + path);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(candidate).toString();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the symlink " + candidate, e);
                }
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                List<String> targetParts = components(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    todo.addFirst(targetParts.get(i));
                }
                continue;
            }
            resolved.add(part);
        }
        return join(root, resolved);
    }

    /** The path's components without empty ones and ".", keeping ".." for the resolver. */
    static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static Path join(Path root, List<String> parts) {
        Path path = root;
        for (String part : parts) {
            path = path.resolve(part);
        }
        return path;
    }
}
