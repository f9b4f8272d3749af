package io.jmachine.provisioner.os;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of /etc/os-release (freedesktop's format) that tell how to provision a host. */
public record OsRelease(String id, List<String> idLike, String versionId, String prettyName) {

    public static OsRelease parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            fields.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
        }
        String idLike = fields.getOrDefault("ID_LIKE", "");
        return new OsRelease(fields.getOrDefault("ID", "linux"),
                idLike.isBlank() ? List.of() : Arrays.asList(idLike.strip().split("\\s+")),
                fields.getOrDefault("VERSION_ID", ""),
                fields.getOrDefault("PRETTY_NAME", fields.getOrDefault("NAME", "Linux")));
    }

    /** Values may be in double or single quotes, with backslash escapes inside double quotes. */
    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            String inner = value.substring(1, value.length() - 1);
            return value.startsWith("\"") ? inner.replaceAll("\\\\(.)", "$1") : inner;
        }
        return value;
    }
}
