package io.jmachine.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JMachineTest {

    record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionPrintsTheBuiltVersion() {
        Result result = run("version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().matches("jmachine version \\d+\\.\\d+\\.\\d+[^ ]* \\(Java \\d+\\)\\n"), result.out());
        assertEquals(result.out(), run("--version").out());
    }

    @Test
    void helpListsTheVerbsAndGlobalOptions() {
        Result result = run("--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("version"), result.out());
        assertTrue(result.out().contains("completion"), result.out());
        assertTrue(result.out().contains("--storage-path"), result.out());
        assertTrue(result.out().contains("JMACHINE_STORAGE_PATH"), result.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run("no-such-verb").exitCode());
        assertEquals(2, run("--no-such-flag").exitCode());
        assertEquals(2, run().exitCode());
        assertEquals(2, run("completion", "tcsh").exitCode());
    }

    @Test
    void theVerbsWhoseHandshakesAreWarmedUpAreVerbs() {
        // a renamed verb would silently lose its warm-up
        assertTrue(JMachine.VERBS.keySet().containsAll(JMachine.ASKS_ENGINES), JMachine.ASKS_ENGINES.toString());
    }

    @Test
    void globalOptionsAreAcceptedAfterTheVerb() {
        assertEquals(0, run("version", "-s", "/tmp/x", "-D").exitCode());
    }

    @Test
    void bashCompletionCompletesVerbs() {
        Result result = run("completion", "bash");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("complete -F"), "a bash completion function is registered");
        assertTrue(result.out().contains("completion"), result.out());
    }

    @Test
    void zshCompletionLoadsBashCompatibility() {
        Result result = run("completion", "zsh");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("autoload -U +X compinit"), result.out());
    }
}
