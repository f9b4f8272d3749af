package io.jmachine.engine.build;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The owner COPY and ADD give files: root unless {@code --chown=user[:group]} says otherwise. Names are looked
 * up in the image's own /etc/passwd and /etc/group; a user without a group means that user's ID as the group
 * too, as Docker documents for --chown.
 */
record Ownership(int uid, int gid) {

    static final Ownership ROOT = new Ownership(0, 0);

    static Ownership parse(String chown, Path imageRoot) throws IOException {
        if (chown == null || chown.isEmpty()) {
            return ROOT;
        }
        String[] parts = chown.split(":", 2);
        int uid = id(parts[0], imageRoot, "/etc/passwd", "user");
        int gid = parts.length == 2 ? id(parts[1], imageRoot, "/etc/group", "group") : uid;
        return new Ownership(uid, gid);
    }

    private static int id(String nameOrId, Path imageRoot, String database, String what) throws IOException {
        if (nameOrId.matches("[0-9]+")) {
            return Integer.parseInt(nameOrId);
        }
        List<String> lines = readLines(imageRoot, database);
        for (String line : lines) {
            String[] fields = line.split(":");
            if (fields.length >= 3 && fields[0].equals(nameOrId)) {
                return Integer.parseInt(fields[2]);
            }
        }
        throw new BuildException("unable to convert uid/gid chown string to host mapping: can't find " + what + " " + nameOrId
                + " in " + database + " of the image");
    }

    /** The file's lines, read inside the image's root (a link in it leads nowhere outside); none when it has none. */
    private static List<String> readLines(Path imageRoot, String file) throws IOException {
        try (Root root = Root.open(imageRoot)) {
            Optional<Folder.OpenFile> content = root.readIfPresent(file);
            if (content.isEmpty()) {
                return List.of();
            }
            try (Folder.OpenFile open = content.get()) {
                return new String(Channels.newInputStream(open.channel()).readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        }
    }
}
