package io.jmachine.engine.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Resolution inside a root without openat2: one component at a time, each opened O_PATH|O_NOFOLLOW relative to
 * the folder before it, which stays open. A link's target is pushed back as components (an absolute one starts
 * again at the root), and ".." goes back to the folder held before, never above the root. Nothing is looked up
 * by a path that could change under it.
 */
final class WalkResolver implements Resolver {

    /** Linux's own limit on links in one lookup. */
    private static final int MAX_LINKS = 40;

    @Override
    public int resolve(int rootFd, String clean, boolean followFinal, String what) throws IOException {
        Deque<String> todo = new ArrayDeque<>(clean.isEmpty() ? List.of() : Arrays.asList(clean.split("/")));
        List<Integer> held = new ArrayList<>(); // the folders from the root down; the root itself is not ours to close
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String part = todo.pollFirst();
                int current = held.isEmpty() ? rootFd : held.getLast();
                if (part.equals("..")) {
                    if (!held.isEmpty()) {
                        Syscalls.close(held.removeLast(), what);
                    }
                    continue;
                }
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                int fd = Syscalls.open(current, part, Syscalls.O_PATH | Syscalls.O_NOFOLLOW, 0, what);
                Stat stat;
                try {
                    stat = Syscalls.stat(fd, "", false, what);
                } catch (IOException e) {
                    Syscalls.close(fd, what);
                    throw e;
                }
                boolean last = todo.isEmpty();
                if (stat.isSymbolicLink() && (!last || followFinal)) {
                    String target;
                    try {
                        target = Syscalls.readlink(fd, "", what);
                    } finally {
                        Syscalls.close(fd, what);
                    }
                    if (++links > MAX_LINKS) {
                        throw new FileSystemLoopException(what);
                    }
                    if (target.startsWith("/")) {
                        while (!held.isEmpty()) {
                            Syscalls.close(held.removeLast(), what);
                        }
                    }
                    List<String> parts = Arrays.asList(target.split("/"));
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.addFirst(parts.get(i));
                    }
                    continue;
                }
                if (!last && !stat.isDirectory()) {
                    Syscalls.close(fd, what);
                    throw new NotDirectoryException(what);
                }
                held.add(fd);
            }
            if (held.isEmpty()) {
                return Syscalls.open(rootFd, ".", Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, what);
            }
            return held.removeLast();
        } finally {
            for (int fd : held) {
                Syscalls.close(fd, what);
            }
        }
    }
}
