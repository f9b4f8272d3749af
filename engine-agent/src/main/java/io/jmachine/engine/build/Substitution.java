package io.jmachine.engine.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dockerfile variable substitution and quote removal, as moby's shell lexer does it: {@code $VAR},
 * {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:+alt}}, {@code ${VAR+alt}},
 * {@code ${VAR:?message}}; single quotes keep everything literal, double quotes still substitute, the escape
 * character makes the next character literal. Used for FROM, ENV, LABEL, COPY, WORKDIR… (not RUN, CMD and
 * ENTRYPOINT, whose shell does its own).
 */
public final class Substitution {

    private final char escape;
    private final Map<String, String> env;

    public Substitution(char escape, Map<String, String> env) {
        this.escape = escape;
        this.env = env;
    }

    /** The text as one word: substituted, quotes removed, blanks kept. */
    public String word(String text) {
        List<String> words = new Lexer(text, false).run();
        return words.isEmpty() ? "" : words.getFirst();
    }

    /** The text split into words on unquoted blanks (also blanks that an unquoted variable brought in). */
    public List<String> words(String text) {
        return new Lexer(text, true).run();
    }

    private final class Lexer {
        private final String text;
        private final boolean split;
        private int pos;
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;

        Lexer(String text, boolean split) {
            this.text = text;
            this.split = split;
        }

        List<String> run() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (split && Character.isWhitespace(c)) {
                    pos++;
                    endWord();
                } else if (c == escape) {
                    pos++;
                    if (pos < text.length()) {
                        word.append(text.charAt(pos++));
                    } else {
                        word.append(c);
                    }
                    inWord = true;
                } else if (c == '\'') {
                    pos++;
                    int end = text.indexOf('\'', pos);
                    if (end < 0) {
                        throw new BuildException("unexpected end of statement while looking for matching single-quote in: " + text);
                    }
                    word.append(text, pos, end);
                    pos = end + 1;
                    inWord = true;
                } else if (c == '"') {
                    pos++;
                    doubleQuoted();
                    inWord = true;
                } else if (c == '$') {
                    pos++;
                    String value = variable();
                    if (split) {
                        appendSplitting(value);
                    } else {
                        word.append(value);
                        inWord = true;
                    }
                } else {
                    word.append(c);
                    pos++;
                    inWord = true;
                }
            }
            endWord();
            if (!split && words.isEmpty()) {
                words.add("");
            }
            return words;
        }

        private void doubleQuoted() {
            while (true) {
                if (pos >= text.length()) {
                    throw new BuildException("unexpected end of statement while looking for matching double-quote in: " + text);
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return;
                }
                if (c == '$') {
                    word.append(variable());
                } else if (c == escape && pos < text.length() && "\"$".indexOf(text.charAt(pos)) >= 0
                        || c == escape && pos < text.length() && text.charAt(pos) == escape) {
                    word.append(text.charAt(pos++));
                } else {
                    word.append(c);
                }
            }
        }

        private void appendSplitting(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isWhitespace(c)) {
                    endWord();
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
        }

        private void endWord() {
            if (inWord || !word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
                inWord = false;
            }
        }

        /** After a '$': the variable's value, or "$" when no name follows. */
        private String variable() {
            if (pos >= text.length()) {
                return "$";
            }
            char c = text.charAt(pos);
            if (c == '{') {
                pos++;
                return braced();
            }
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                return "$";
            }
            return env.getOrDefault(text.substring(start, pos), "");
        }

        private String braced() {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (name.isEmpty() || pos >= text.length()) {
                throw new BuildException("bad substitution: " + text);
            }
            char c = text.charAt(pos);
            if (c == '}') {
                pos++;
                return env.getOrDefault(name, "");
            }
            boolean colon = c == ':';
            if (colon) {
                pos++;
            }
            if (pos >= text.length()) {
                throw new BuildException("bad substitution: " + text);
            }
            char operator = text.charAt(pos++);
            String operand = new Substitution(escape, env).word(operandText());
            String value = env.get(name);
            boolean set = value != null && (!colon || !value.isEmpty());
            return switch (operator) {
                case '-' -> set ? value : operand;
                case '+' -> set ? operand : "";
                case '?' -> {
                    if (!set) {
                        throw new BuildException(name + ": " + (operand.isEmpty() ? "is not allowed to be unset" : operand));
                    }
                    yield value;
                }
                default -> throw new BuildException("unsupported modifier (" + operator + ") in substitution: " + text);
            };
        }

        /** The raw text up to the '}' that closes this substitution, nested braces included. */
        private String operandText() {
            int depth = 0;
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == escape && pos + 1 < text.length()) {
                    pos += 2;
                    continue;
                }
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (depth == 0) {
                        String operand = text.substring(start, pos);
                        pos++;
                        return operand;
                    }
                    depth--;
                }
                pos++;
            }
            throw new BuildException("syntax error: missing '}' in " + text);
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }
}
