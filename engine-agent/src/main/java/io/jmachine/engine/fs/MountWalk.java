package io.jmachine.engine.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Resolution in a root with host folders and files mounted on some of its paths, as a container sees its volumes
 * and binds, without mounting anything: {@link WalkResolver}'s walk, one component at a time, each opened
 * O_PATH|O_NOFOLLOW relative to the folder before it, which stays open; where the path so far is a mount's
 * destination, the walk goes on in the mounted folder instead. Links are read and followed as the container would
 * follow them (an absolute one from the root of the view, ".." across a mount's top to the folder it is mounted
 * in), so no link in the root or in a mount leads anywhere but into the view.
 */
final class MountWalk {

    /** Linux's own limit on links in one lookup. */
    private static final int MAX_LINKS = 40;

    /**
     * @param fd       an O_PATH descriptor of what the path leads to; the caller closes it
     * @param path     the path in the view that it is, every link resolved (cleaned, no leading "/")
     * @param readOnly whether it is in a read-only mount
     */
    record Resolved(int fd, String path, boolean readOnly) {}

    /**
     * Something mounted at {@code destination} (cleaned, links resolved as the runtime resolves them): the host
     * folder {@code folder} itself when {@code fileName} is "", else the file {@code fileName} in it.
     */
    record Mounted(String destination, Folder folder, String fileName, boolean readOnly) {
        boolean isFile() {
            return !fileName.isEmpty();
        }
    }

    private record Step(int fd, String name, boolean readOnly) {}

    private MountWalk() {
    }

    static Resolved resolve(int rootFd, Map<String, Mounted> mounts, String clean, boolean followFinal, String what)
            throws IOException {
        Deque<String> todo = new ArrayDeque<>(clean.isEmpty() ? List.of() : Arrays.asList(clean.split("/")));
        List<Step> held = new ArrayList<>(); // from the root down; the root itself is not ours to close
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String part = todo.pollFirst();
                if (part.equals("..")) {
                    if (!held.isEmpty()) {
                        Syscalls.close(held.removeLast().fd(), what);
                    }
                    continue;
                }
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                boolean last = todo.isEmpty();
                Mounted mounted = mounts.get(path(held, part));
                if (mounted != null) {
                    if (mounted.isFile() && !last) {
                        throw new NotDirectoryException(what);
                    }
                    // the mount's own host path was opened trusted: its file is opened as the runtime binds it, following
                    int fd = mounted.isFile()
                            ? Syscalls.open(mounted.folder().fd(), mounted.fileName(), Syscalls.O_PATH, 0, what)
                            : Syscalls.open(mounted.folder().fd(), ".", Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, what);
                    held.add(new Step(fd, part, mounted.readOnly()));
                    continue;
                }
                int current = held.isEmpty() ? rootFd : held.getLast().fd();
                int fd = Syscalls.open(current, part, Syscalls.O_PATH | Syscalls.O_NOFOLLOW, 0, what);
                Stat stat;
                try {
                    stat = Syscalls.stat(fd, "", false, what);
                } catch (IOException e) {
                    Syscalls.close(fd, what);
                    throw e;
                }
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
                            Syscalls.close(held.removeLast().fd(), what);
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
                held.add(new Step(fd, part, !held.isEmpty() && held.getLast().readOnly()));
            }
            if (held.isEmpty()) {
                return new Resolved(Syscalls.open(rootFd, ".", Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, what), "", false);
            }
            String path = path(held, null);
            Step result = held.removeLast();
            return new Resolved(result.fd(), path, result.readOnly());
        } finally {
            for (Step step : held) {
                Syscalls.close(step.fd(), what);
            }
        }
    }

    /** The path the held folders spell, and {@code next} after them when not null. */
    private static String path(List<Step> held, String next) {
        StringBuilder path = new StringBuilder();
        for (Step step : held) {
            path.append(path.isEmpty() ? "" : "/").append(step.name());
        }
        if (next != null) {
            path.append(path.isEmpty() ? "" : "/").append(next);
        }
        return path.toString();
    }
}
