package io.jmachine.engine.build;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text to instructions, with the rules of moby's Dockerfile parser: parser directives ({@code # escape=})
 * only at the very top, comment lines dropped (also inside continued lines), a trailing escape character
 * joins the next line, leading {@code --flag=value} options split off, JSON exec forms recognised.
 * Heredocs are not supported.
 */
public final class DockerfileParser {

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
            "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    /** The instructions whose args may be a JSON string array (the exec form). */
    private static final Set<String> JSON_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");

    private DockerfileParser() {
    }

    public static Dockerfile parse(String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        char escape = '\\';
        int i = 0;
        // directives: only before anything else, each name once
        Set<String> seen = new java.util.HashSet<>();
        for (; i < lines.length; i++) {
            Matcher directive = DIRECTIVE.matcher(lines[i]);
            if (!directive.matches()) {
                break;
            }
            String name = directive.group(1).toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new BuildException("dockerfile parse error on line " + (i + 1) + ": only one " + name + " parser directive can be used");
            }
            if (name.equals("escape")) {
                String value = directive.group(2);
                if (!value.equals("\\") && !value.equals("`")) {
                    throw new BuildException("invalid escape token '" + value + "' does not match ` or \\");
                }
                escape = value.charAt(0);
            }
        }
        List<Instruction> metaArgs = new ArrayList<>();
        List<Dockerfile.Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        Instruction from = null;
        while (i < lines.length) {
            int start = i + 1;
            String line = lines[i++].stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            StringBuilder joined = new StringBuilder();
            boolean continued = endsWithEscape(line, escape);
            joined.append(continued ? trimEscape(line, escape) : line);
            while (continued && i < lines.length) {
                String next = lines[i++];
                if (next.stripLeading().startsWith("#")) {
                    continue;
                }
                if (next.isBlank()) {
                    continue;
                }
                continued = endsWithEscape(next, escape);
                joined.append(continued ? trimEscape(next, escape) : next);
            }
            Instruction instruction = parseInstruction(joined.toString(), start);
            if (instruction.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(new Dockerfile.Stage(stages.size(), from, current));
                }
                from = instruction;
                current = new ArrayList<>();
            } else if (from == null) {
                if (!instruction.keyword().equals("ARG")) {
                    throw new BuildException("no build stage in current context: " + instruction.keyword()
                            + " on line " + start + " comes before the first FROM");
                }
                metaArgs.add(instruction);
            } else {
                current.add(instruction);
            }
        }
        if (from == null) {
            throw new BuildException("the Dockerfile (Dockerfile) cannot be empty");
        }
        stages.add(new Dockerfile.Stage(stages.size(), from, current));
        return new Dockerfile(metaArgs, stages, escape);
    }

    /** One logical line (continuations joined) to an instruction; also for ONBUILD triggers. */
    public static Instruction parseInstruction(String line, int lineNumber) {
        String text = line.strip();
        int space = indexOfBlank(text);
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space).strip();
        if (!KNOWN.contains(keyword)) {
            throw new BuildException("dockerfile parse error line " + lineNumber + ": unknown instruction: " + keyword);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        if (!keyword.equals("ONBUILD")) {
            while (rest.startsWith("--")) {
                int end = indexOfBlank(rest);
                String flag = end < 0 ? rest : rest.substring(0, end);
                rest = end < 0 ? "" : rest.substring(end).strip();
                if (flag.equals("--")) {
                    break;
                }
                int eq = flag.indexOf('=');
                flags.put(eq < 0 ? flag.substring(2) : flag.substring(2, eq), eq < 0 ? "true" : flag.substring(eq + 1));
            }
        }
        List<String> json = JSON_FORMS.contains(keyword) ? jsonArray(rest) : null;
        if (rest.isEmpty() && !keyword.equals("RUN") && !keyword.equals("CMD") && !keyword.equals("ENTRYPOINT")) {
            throw new BuildException(keyword + " requires at least one argument (line " + lineNumber + ")");
        }
        return new Instruction(keyword, flags, rest, json, text, lineNumber);
    }

    /** The strings of a JSON string array, or null when the text is not one (then it is the shell form). */
    static List<String> jsonArray(String text) {
        if (!text.startsWith("[")) {
            return null;
        }
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException notJson) {
            return null;
        }
    }

    private static boolean endsWithEscape(String line, char escape) {
        String trimmed = line.replaceAll("[ \t]+$", "");
        return !trimmed.isEmpty() && trimmed.charAt(trimmed.length() - 1) == escape;
    }

    private static String trimEscape(String line, char escape) {
        String trimmed = line.replaceAll("[ \t]+$", "");
        return trimmed.substring(0, trimmed.length() - 1);
    }

    private static int indexOfBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
