package io.jmachine.engine.build;

import io.jmachine.engine.archive.RootedPath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        Path file = RootedPath.resolve(imageRoot, database, true);
        List<String> lines = Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        for (String line : lines) {
            String[] fields = line.split(":");
            if (fields.length >= 3 && fields[0].equals(nameOrId)) {
                return Integer.parseInt(fields[2]);
            }
        }
        throw new BuildException("unable to convert uid/gid chown string to host mapping: can't find " + what + " " + nameOrId
                + " in " + database + " of the image");
    }
}
