package io.jmachine.engine.monitor;

/**
 * Turns what an OCI runtime printed on stderr into the message people should see. runc logs in
 * logfmt ({@code time="…" level=error msg="runc create failed: …"}); the {@code msg} of its last
 * error line is the message, as Docker shows it. Anything else is passed through, trimmed.
 */
final class RuntimeMessages {

    private RuntimeMessages() {
    }

    static String fromStderr(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "the runtime failed without a message";
        }
        String best = null;
        for (String line : stderr.lines().toList()) {
            String msg = field(line, "msg");
            if (msg != null && (best == null || line.contains("level=error") || line.contains("level=fatal"))) {
                best = msg;
            }
        }
        return best != null ? best : stderr.strip();
    }

    /** The value of {@code key=value} or {@code key="quoted value"} in a logfmt line, or null. */
    static String field(String line, String key) {
        int at = findKey(line, key);
        if (at < 0) {
            return null;
        }
        int i = at + key.length() + 1;
        if (i >= line.length() || line.charAt(i) != '"') {
            int end = line.indexOf(' ', i);
            return line.substring(i, end < 0 ? line.length() : end);
        }
        StringBuilder value = new StringBuilder();
        for (i = i + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\' && i + 1 < line.length()) {
                char escaped = line.charAt(++i);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> escaped;
                });
            } else {
                value.append(c);
            }
        }
        return value.toString();
    }

    private static int findKey(String line, String key) {
        String token = key + "=";
        int from = 0;
        while (true) {
            int at = line.indexOf(token, from);
            if (at < 0) {
                return -1;
            }
            if (at == 0 || line.charAt(at - 1) == ' ') {
                return at;
            }
            from = at + 1;
        }
    }
}
