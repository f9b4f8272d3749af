package io.jmachine.drivers.kvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The folders where JNA looks for a library that has only a versioned file (libvirt.so.0, without the -dev package's
 * libvirt.so): the dynamic linker's, read from its config and set before JNA first loads. Left to itself, JNA runs
 * {@code /sbin/ldconfig -p} to learn them, a process spawned in every CLI run that asks libvirt (~50 ms of `ls`).
 */
final class NativeSearchPath {

    static final String PROPERTY = "jna.platform.library.path";

    /** The linker's trusted folders, searched whatever its config says. */
    private static final List<String> TRUSTED = List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib");

    private NativeSearchPath() {
    }

    /** Sets JNA's platform path, unless someone set it already (a -D on the command line wins). */
    static void set() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, String.join(File.pathSeparator, folders(Path.of("/etc/ld.so.conf"))));
        }
    }

    /** The folders {@code conf} names (following its includes), then the trusted ones; only those that exist. */
    static List<String> folders(Path conf) {
        Set<String> folders = new LinkedHashSet<>();
        read(conf, folders, 0);
        TRUSTED.forEach(folders::add);
        return folders.stream().filter(folder -> Files.isDirectory(Path.of(folder))).toList();
    }

    private static void read(Path conf, Set<String> folders, int depth) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            return; // no config, or an unreadable one: the trusted folders remain
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.startsWith("include") && line.length() > 7 && Character.isWhitespace(line.charAt(7))) {
                if (depth < 8) { // ld.so.conf files can include each other; ldconfig has no limit, a loop here would
                    included(conf, line.substring(8).trim()).forEach(file -> read(file, folders, depth + 1));
                }
            } else if (line.startsWith("/")) {
                folders.add(line);
            }
        }
    }

    /** The files an include names: a path whose last part may hold a glob, relative paths from the including file's folder. */
    private static List<Path> included(Path conf, String pattern) {
        Path path = conf.resolveSibling(pattern);
        Path folder = path.getParent();
        List<Path> files = new ArrayList<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return files;
        }
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(folder, path.getFileName().toString())) {
            matches.forEach(files::add);
        } catch (IOException e) {
            return files;
        }
        files.sort(null); // ldconfig reads a glob's files in order
        return files;
    }
}
