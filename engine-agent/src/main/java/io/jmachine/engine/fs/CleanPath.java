package io.jmachine.engine.fs;

import java.util.ArrayList;
import java.util.List;

/** Go's path.Clean, the lexical cleaning Docker gives every path in a container, an image or a context. */
public final class CleanPath {

    private CleanPath() {
    }

    /**
     * No "//", "." or trailing "/"; each ".." takes the name before it away, and at the top of an absolute path
     * stays there: "/a/./b/../c/" is "/a/c", "/../x" is "/x", "a/../.." is "..", "" is ".".
     */
    public static String clean(String path) {
        boolean absolute = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.getLast().equals("..")) {
                parts.removeLast();
            } else if (!(part.equals("..") && absolute)) {
                parts.add(part);
            }
        }
        String joined = String.join("/", parts);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }
}
