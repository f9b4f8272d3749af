package io.jmachine.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error text of runc and crun. Both log JSON lines ({@code {"level":"error","msg":…}}) with
 * {@code --log-format json}; older or plain output is {@code level=error msg="…"} or a bare line.
 */
final class RuntimeErrors {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern LOGFMT = Pattern.compile("level=(\\w+) msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private RuntimeErrors() {
    }

    /** The last error in a runtime log file, if any. */
    static Optional<String> errorInLog(Path log) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            List<String> errors = errors(Files.readString(log), false);
            return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(errors.size() - 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String fromLog(Path log, int status) {
        return errorInLog(log).orElse("exit status " + status + " and no error in " + log);
    }

    /** The error of a command's stderr: its last error line, or the whole text when nothing looks like one. */
    static String fromStderr(String stderr, int status) {
        List<String> errors = errors(stderr, true);
        if (!errors.isEmpty()) {
            return errors.get(errors.size() - 1);
        }
        String trimmed = stderr.strip();
        return trimmed.isEmpty() ? "exit status " + status : trimmed;
    }

    private static List<String> errors(String text, boolean bareLinesCount) {
        List<String> errors = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("{")) {
                try {
                    JsonNode node = JSON.readTree(trimmed);
                    String level = node.path("level").asText("");
                    if ((level.equals("error") || level.equals("fatal")) && node.hasNonNull("msg")) {
                        errors.add(node.get("msg").asText());
                    }
                    continue;
                } catch (IOException notJson) {
                    // fall through: a bare line that happens to start with a brace
                }
            }
            Matcher logfmt = LOGFMT.matcher(trimmed);
            if (logfmt.find()) {
                if (logfmt.group(1).equals("error") || logfmt.group(1).equals("fatal")) {
                    errors.add(logfmt.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            } else if (bareLinesCount) {
                errors.add(trimmed);
            }
        }
        return errors;
    }
}
