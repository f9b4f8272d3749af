package io.jmachine.cli.fleet;

import java.util.Collection;
import java.util.Optional;

/** The known word nearest a misspelt one (Levenshtein distance), for "did you mean …?". */
final class CloseMatch {

    private CloseMatch() {
    }

    /** The closest of {@code known} within a third of the word's length (at least 2 edits), if any. */
    static Optional<String> of(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Math.max(2, word.length() / 3) + 1;
        for (String candidate : known) {
            int d = distance(word, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** ", did you mean X?" or nothing. */
    static String hint(String word, Collection<String> known) {
        return of(word, known).map(m -> "; did you mean " + m + "?").orElse("");
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
