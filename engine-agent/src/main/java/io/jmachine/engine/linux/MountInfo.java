package io.jmachine.engine.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kernel's /proc/self/mountinfo, parsed: what is mounted where, with which filesystem and options. */
public final class MountInfo {

    /**
     * One mount.
     *
     * @param root         the path inside its filesystem that is mounted (e.g. a cgroup's own folder)
     * @param mountPoint   where it is mounted
     * @param fsType       e.g. overlay, cgroup, cgroup2
     * @param superOptions the filesystem's options (for cgroup v1: its controllers)
     */
    public record Mount(String root, Path mountPoint, String fsType, String source, String superOptions) {}

    private static final Path SELF = Path.of("/proc/self/mountinfo");

    private MountInfo() {
    }

    /** The mounts this process sees now. */
    public static List<Mount> current() {
        try {
            return parse(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF + ": " + e.getMessage(), e);
        }
    }

    public static boolean isMountPoint(Path path) {
        Path target = path.toAbsolutePath().normalize();
        return current().stream().anyMatch(m -> m.mountPoint().equals(target));
    }

    /** Lines are "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS". */
    public static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] fields = halves[0].split(" ");
            String[] tail = halves[1].split(" ");
            if (fields.length < 5 || tail.length < 3) {
                continue;
            }
            mounts.add(new Mount(unescape(fields[3]), Path.of(unescape(fields[4])), tail[0], unescape(tail[1]), tail[2]));
        }
        return mounts;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
