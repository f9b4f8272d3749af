package io.jmachine.engine.build;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SubstitutionTest {

    private final Substitution env = new Substitution('\\', Map.of("A", "one", "EMPTY", "", "SPACED", "x y"));

    @Test
    void plainAndBracedVariables() {
        assertEquals("one/one/", env.word("$A/${A}/$MISSING"));
        assertEquals("$", env.word("$"));
        assertEquals("a$-b", env.word("a$-b"));
    }

    @Test
    void defaultsAndAlternatives() {
        assertEquals("one", env.word("${A:-d}"));
        assertEquals("d", env.word("${MISSING:-d}"));
        assertEquals("d", env.word("${EMPTY:-d}"));
        assertEquals("", env.word("${EMPTY-d}"), "without the colon an empty value counts as set");
        assertEquals("x", env.word("${A:+x}"));
        assertEquals("", env.word("${EMPTY:+x}"));
        assertEquals("x", env.word("${EMPTY+x}"));
        assertEquals("", env.word("${MISSING+x}"));
        assertEquals("one-d", env.word("${MISSING:-$A-d}"), "the operand is substituted too");
        assertThrows(BuildException.class, () -> env.word("${MISSING:?must be set}"));
    }

    @Test
    void quotesAndEscapes() {
        assertEquals("$A", env.word("'$A'"));
        assertEquals("one two", env.word("\"$A two\""));
        assertEquals("$A", env.word("\\$A"));
        assertEquals("a\"b", env.word("\"a\\\"b\""));
        assertEquals("$A", new Substitution('`', Map.of("A", "one")).word("`$A"));
    }

    @Test
    void wordsSplitOnUnquotedBlanksAndUnquotedValues() {
        assertEquals(List.of("a", "b c", "one"), env.words("a \"b c\" $A"));
        assertEquals(List.of("x", "y"), env.words("$SPACED"));
        assertEquals(List.of("x y"), env.words("\"$SPACED\""));
    }
}
