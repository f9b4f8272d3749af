package io.jmachine.engine.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): {@code Bearer realm="https://auth",service="reg",
 * scope="repository:x:pull"} or {@code Basic realm="r"}. A header may hold several, each with its parameters.
 *
 * @param scheme lower case ("bearer", "basic")
 * @param params parameter names in lower case, values unquoted
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public String param(String name) {
        return params.get(name);
    }

    /** Every challenge in the header's value; an empty or unreadable value gives none. */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> challenges = new ArrayList<>();
        if (header == null) {
            return challenges;
        }
        Cursor cursor = new Cursor(header);
        while (cursor.skipSeparators()) {
            String scheme = cursor.token();
            if (scheme.isEmpty()) {
                break; // not a token: nothing more can be read
            }
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                int mark = cursor.position;
                cursor.skipSeparators();
                String name = cursor.token();
                cursor.skipSpaces();
                if (name.isEmpty() || !cursor.take('=')) {
                    cursor.position = mark; // the next challenge's scheme, or the end
                    break;
                }
                cursor.skipSpaces();
                params.put(name.toLowerCase(Locale.ROOT), cursor.value());
            }
            challenges.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
        }
        return challenges;
    }

    private static final class Cursor {
        private final String text;
        private int position;

        Cursor(String text) {
            this.text = text;
        }

        /** Skips spaces and commas; false at the end. */
        boolean skipSeparators() {
            while (position < text.length() && (text.charAt(position) == ',' || Character.isWhitespace(text.charAt(position)))) {
                position++;
            }
            return position < text.length();
        }

        void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        boolean take(char c) {
            if (position < text.length() && text.charAt(position) == c) {
                position++;
                return true;
            }
            return false;
        }

        String token() {
            int start = position;
            while (position < text.length() && isTokenChar(text.charAt(position))) {
                position++;
            }
            return text.substring(start, position);
        }

        /** A quoted string (backslash escapes) or a bare token. */
        String value() {
            if (!take('"')) {
                int start = position;
                while (position < text.length() && text.charAt(position) != ',' && !Character.isWhitespace(text.charAt(position))) {
                    position++;
                }
                return text.substring(start, position);
            }
            StringBuilder value = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && position < text.length()) {
                    c = text.charAt(position++);
                }
                value.append(c);
            }
            return value.toString();
        }

        private static boolean isTokenChar(char c) {
            return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
