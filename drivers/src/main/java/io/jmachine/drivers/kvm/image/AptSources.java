package io.jmachine.drivers.kvm.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the Debian mirror this host's apt uses, so the guest image comes from where the host's packages come from. */
public final class AptSources {

    private AptSources() {
    }

    /** The first main-archive mirror of the host (/etc/apt/sources.list.d/*.sources, *.list, then /etc/apt/sources.list). */
    public static Optional<String> debianMirror(Path etcApt) throws IOException {
        List<Path> files = new ArrayList<>();
        Path dir = etcApt.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> listing = Files.list(dir)) {
                listing.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(files::add);
            }
        }
        files.add(etcApt.resolve("sources.list"));
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                Optional<String> mirror = debianMirror(Files.readString(file), file.toString().endsWith(".sources"));
                if (mirror.isPresent()) {
                    return mirror;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The mirror in one file's text: a {@code deb} source whose suite is a release (not -security nor -updates) and
     * whose URI serves Debian's main archive (its path ends in /debian).
     */
    static Optional<String> debianMirror(String text, boolean deb822) {
        return deb822 ? fromDeb822(text) : fromOneLine(text);
    }

    private static Optional<String> fromOneLine(String text) {
        for (String line : text.lines().map(String::strip).toList()) {
            String[] fields = line.replaceAll("\\[[^]]*]", " ").trim().split("\\s+");
            if (fields.length >= 3 && fields[0].equals("deb") && isDebianArchive(fields[1], fields[2])) {
                return Optional.of(fields[1]);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fromDeb822(String text) {
        for (String stanza : text.split("\\n\\s*\\n")) {
            String types = field(stanza, "Types");
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            if (types == null || uris == null || suites == null || !List.of(types.split("\\s+")).contains("deb")) {
                continue;
            }
            for (String uri : uris.split("\\s+")) {
                for (String suite : suites.split("\\s+")) {
                    if (isDebianArchive(uri, suite)) {
                        return Optional.of(uri);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.lines().toList()) {
            if (!line.startsWith("#") && line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    private static boolean isDebianArchive(String uri, String suite) {
        String path = uri.replaceAll("/+$", "");
        return path.endsWith("/debian") && !suite.contains("-security") && !suite.contains("-updates") && !suite.contains("-backports");
    }
}
