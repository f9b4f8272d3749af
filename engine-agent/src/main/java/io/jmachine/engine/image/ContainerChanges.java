package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * GET /containers/{id}/changes: what a container changed in its image, read from its overlay upper folder as moby's
 * archive.OverlayChanges reads it. A whiteout (0:0 character device) or an opaque folder is a deletion; an entry
 * that also is in a lower layer is a modification (a folder only when its size, mode or time differ, or something
 * below it was added or deleted); anything else an addition. Every tree is read through {@link Root}.
 */
public final class ContainerChanges {

    /** One change; Kind 0 modified, 1 added, 2 deleted (Docker's archive.ChangeType). */
    public record Change(@JsonProperty("Path") String path, @JsonProperty("Kind") int kind) {
        static final int MODIFIED = 0;
        static final int ADDED = 1;
        static final int DELETED = 2;
    }

    private static final String OPAQUE = "trusted.overlay.opaque";

    private final List<Root> lower;
    private final List<Change> changes = new ArrayList<>();
    private final Set<String> changedDirs = new HashSet<>();

    private ContainerChanges(List<Root> lower) {
        this.lower = lower;
    }

    /** The changes in {@code upper} over the {@code lower} folders (top first), in path order. */
    static List<Change> of(Path upper, List<Path> lower) throws IOException {
        List<Root> roots = new ArrayList<>();
        try (Root top = Root.open(upper)) {
            for (Path dir : lower) {
                roots.add(Root.open(dir));
            }
            ContainerChanges walk = new ContainerChanges(roots);
            walk.folder(top.top(), "");
            return walk.changes;
        } finally {
            for (Root root : roots) {
                root.close();
            }
        }
    }

    private void folder(Folder folder, String path) throws IOException {
        for (String name : folder.list()) {
            Stat stat = folder.stat(name);
            String child = path + "/" + name;
            if (entry(folder, name, child, stat) && stat.isDirectory()) {
                try (Folder sub = folder.folder(name)) {
                    folder(sub, child);
                }
            }
        }
    }

    /** Records the entry's change; false when it is a folder that did not change (its contents still may have). */
    private boolean entry(Folder folder, String name, String path, Stat stat) throws IOException {
        int kind;
        if (isWhiteout(stat) || stat.isDirectory() && isOpaque(folder, name)) {
            kind = Change.DELETED;
        } else {
            kind = Change.ADDED;
            for (Root layer : lower) {
                Optional<Stat> below = layer.find(path, false);
                if (below.isPresent()) {
                    if (below.get().isDirectory() && stat.isDirectory() && sameFolder(stat, below.get())) {
                        return true;
                    }
                    kind = Change.MODIFIED;
                    break;
                }
            }
        }
        if (stat.isDirectory()) {
            changedDirs.add(path);
        }
        if (kind == Change.ADDED || kind == Change.DELETED) {
            String parent = path.substring(0, path.lastIndexOf('/'));
            // a folder whose entries were added or deleted changed, whatever its own times say
            if (!parent.isEmpty() && changedDirs.add(parent)) {
                changes.add(new Change(parent, Change.MODIFIED));
            }
        }
        changes.add(new Change(path, kind));
        return true;
    }

    private static boolean isWhiteout(Stat stat) {
        return stat.type() == Stat.S_IFCHR && stat.rdevMajor() == 0 && stat.rdevMinor() == 0;
    }

    private static boolean isOpaque(Folder folder, String name) throws IOException {
        byte[] opaque = folder.getXattr(name, OPAQUE);
        return opaque != null && opaque.length == 1 && opaque[0] == 'y';
    }

    /** moby's check: same size, mode and modification time (to the second when either has no nanoseconds). */
    private static boolean sameFolder(Stat a, Stat b) {
        boolean sameTime = a.mtimeSeconds() == b.mtimeSeconds()
                && (a.mtimeNanos() == b.mtimeNanos() || a.mtimeNanos() == 0 || b.mtimeNanos() == 0);
        return a.size() == b.size() && a.mode() == b.mode() && sameTime;
    }
}
