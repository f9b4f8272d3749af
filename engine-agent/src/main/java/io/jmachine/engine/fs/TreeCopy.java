package io.jmachine.engine.fs;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Copies files and trees between folders held open (from an image root into a volume, from a build context into
 * a root), never following a link: links are copied as links, fifos and devices made anew, sockets skipped, files
 * linked to each other inside the copy stay linked. Entries that exist in the target are replaced; folders are
 * merged. Owners are kept, or all set to one owner (COPY --chown); modes and modification times are kept.
 */
public final class TreeCopy {

    /** uid and gid that every copied entry gets. */
    public record Owner(int uid, int gid) {}

    private record Copied(Folder folder, String name) {}

    private final Owner owner;
    /** The first copy of each multiply-linked file, by the source's identity; its folder is held until close. */
    private final Map<Object, Copied> linked = new HashMap<>();
    /** Those folders, one descriptor each, by where they are. */
    private final Map<String, Folder> held = new HashMap<>();

    /** @param owner everyone's new owner, or null to keep each entry's own */
    public TreeCopy(Owner owner) {
        this.owner = owner;
    }

    /** Copies what {@code from} holds into {@code to}; the two folders themselves are left as they are. */
    public void contents(Folder from, Folder to) throws IOException {
        try {
            copyContents(from, to);
        } finally {
            for (Folder folder : held.values()) {
                folder.close();
            }
            held.clear();
            linked.clear();
        }
    }

    private void copyContents(Folder from, Folder to) throws IOException {
        for (String name : from.list()) {
            Stat stat = from.stat(name);
            if (stat.isDirectory()) {
                Optional<Stat> existing = to.find(name);
                if (existing.isEmpty() || !existing.get().isDirectory()) {
                    to.delete(name);
                    to.createFolder(name, 0700).close();
                }
                try (Folder fromChild = from.folder(name); Folder toChild = to.folder(name)) {
                    copyContents(fromChild, toChild);
                }
                metadata(to, name, stat);
            } else if (stat.isRegularFile()) {
                if (stat.nlink() > 1 && linkToFirstCopy(stat, to, name)) {
                    continue;
                }
                try (Folder.OpenFile file = from.read(name)) {
                    file(file, to, name);
                }
            } else if (stat.type() != Stat.S_IFSOCK) {
                to.delete(name);
                if (stat.isSymbolicLink()) {
                    to.symlink(name, from.readLink(name));
                } else {
                    to.mknod(name, stat.mode(), stat.rdev());
                }
                metadata(to, name, stat);
            }
        }
    }

    /** The file's content and metadata as {@code name} in {@code to}, replacing what is there. */
    public void file(Folder.OpenFile file, Folder to, String name) throws IOException {
        to.delete(name);
        Stat source = file.stat();
        try (Folder.NewFile out = to.create(name)) {
            for (long done = 0; done < source.size(); ) {
                long n = file.channel().transferTo(done, source.size() - done, out.channel());
                if (n <= 0) {
                    throw new IOException("the source of " + to.where(name) + " changed size while it was copied");
                }
                done += n;
            }
            out.chown(owner == null ? source.uid() : owner.uid(), owner == null ? source.gid() : owner.gid());
            out.chmod(source.permissions());
            out.setTimes(source.lastModified());
        }
        if (file.stat().nlink() > 1) {
            remember(file.stat(), to, name);
        }
    }

    private boolean linkToFirstCopy(Stat stat, Folder to, String name) throws IOException {
        Copied first = linked.get(stat.fileKey());
        if (first == null) {
            return false;
        }
        to.delete(name);
        to.link(name, first.folder(), first.name());
        return true;
    }

    private void remember(Stat source, Folder to, String name) throws IOException {
        if (!linked.containsKey(source.fileKey())) {
            Folder folder = held.get(to.where());
            if (folder == null) {
                folder = to.duplicate();
                held.put(to.where(), folder);
            }
            linked.put(source.fileKey(), new Copied(folder, name));
        }
    }

    /** Owner first (chown clears set-id bits), then mode and time; a link has only an owner and times. */
    private void metadata(Folder to, String name, Stat source) throws IOException {
        to.chown(name, owner == null ? source.uid() : owner.uid(), owner == null ? source.gid() : owner.gid());
        if (!source.isSymbolicLink()) {
            to.chmod(name, source.permissions());
        }
        to.setTimes(name, source.lastModified());
    }
}
