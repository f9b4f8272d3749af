package io.jmachine.engine.build;

import io.jmachine.engine.fs.CleanPath;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of a {@code .dockerignore}, matched as moby/patternmatcher does: Go's filepath.Match syntax
 * ({@code * ? [..]}, a {@code *} never crossing a '/'), {@code **} for any number of folders, {@code !} for
 * exceptions, the last matching pattern deciding, and a pattern that matches a folder matching all below it.
 */
public final class DockerIgnore {

    private record Rule(Pattern regex, boolean exception, String text) {}

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    public static DockerIgnore none() {
        return new DockerIgnore(List.of());
    }

    /** The file's lines: comments (#) and blank lines skipped, each pattern cleaned like a path. */
    public static DockerIgnore parse(String content) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : content.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exception = line.startsWith("!");
            if (exception) {
                line = line.substring(1).strip();
            }
            String cleaned = CleanPath.clean(line);
            if (cleaned.startsWith("/")) {
                cleaned = cleaned.substring(1);
            }
            if (cleaned.isEmpty() || cleaned.equals(".")) {
                continue;
            }
            rules.add(new Rule(Pattern.compile(toRegex(cleaned)), exception, (exception ? "!" : "") + cleaned));
        }
        return new DockerIgnore(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public boolean hasExceptions() {
        return rules.stream().anyMatch(Rule::exception);
    }

    /** Whether the context path (relative, '/'-separated, no leading "./") is left out of the context. */
    public boolean excludes(String relativePath) {
        String path = CleanPath.clean(relativePath);
        String[] parents = path.split("/");
        boolean matched = false;
        for (Rule rule : rules) {
            if (rule.exception() && !matched) {
                continue; // an exception only matters for what an earlier pattern left out
            }
            boolean match = rule.regex().matcher(path).matches();
            if (!match && parents.length > 1) {
                StringBuilder parent = new StringBuilder();
                for (int i = 0; i < parents.length - 1 && !match; i++) {
                    if (i > 0) {
                        parent.append('/');
                    }
                    parent.append(parents[i]);
                    match = rule.regex().matcher(parent).matches();
                }
            }
            if (match) {
                matched = !rule.exception();
            }
        }
        return matched;
    }

    /** patternmatcher's compile: '*' stays within a folder, "**" spans folders, "**" at the end takes all. */
    static String toRegex(String pattern) {
        StringBuilder regex = new StringBuilder("^");
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                        i++; // "**/" is "**"
                    }
                    regex.append(i + 1 >= pattern.length() ? ".*" : "(.*/)?");
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int end = pattern.indexOf(']', i + 1);
                if (end < 0) {
                    throw new BuildException("syntax error in .dockerignore pattern: " + pattern);
                }
                String body = pattern.substring(i + 1, end);
                // Go's class syntax ([a-z], [^a-z]) is Java's once backslashes are kept literal
                regex.append('[').append(body.replace("\\", "\\\\")).append(']');
                i = end;
            } else if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.append('$').toString();
    }
}
