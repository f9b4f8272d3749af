package io.jmachine.provisioner.install;

import io.jmachine.provisioner.ssh.CommandResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HostChecksTest {

    private static final String B = "jmachine-check-0123456789abcdef";

    @Test
    void eachCommandGetsWhatItPrintedAndItsStatus() {
        // as the batch prints it: each command's output, a newline, the boundary and its status
        String output = "runc\n" + "\n" + B + " 0\n"
                + "" + "\n" + B + " 1\n"
                + "abc  /etc/x\ndef  /etc/y" + "\n" + B + " 0\n";
        Map<String, CommandResult> answers = HostChecks.split(List.of("packages", "bundle", "digests"), B, output);

        assertEquals(new CommandResult("packages", 0, "runc\n", ""), answers.get("packages"));
        assertEquals(new CommandResult("bundle", 1, "", ""), answers.get("bundle"));
        assertEquals(new CommandResult("digests", 0, "abc  /etc/x\ndef  /etc/y", ""), answers.get("digests"));
    }

    @Test
    void aBatchThatEndedEarlyAnswersOnlyWhatItPrinted() {
        Map<String, CommandResult> answers = HostChecks.split(List.of("packages", "bundle"), B, "\n" + B + " 0\nhalf an answ");

        assertEquals(new CommandResult("packages", 0, "", ""), answers.get("packages"));
        assertFalse(answers.containsKey("bundle"), "left to run on its own");
    }

    @Test
    void theScriptRunAsAShellAnswersEachCommandWithItsOutputAndStatus() throws Exception {
        HostChecks checks = new HostChecks(null, List.of("echo runc", "exit 3", "printf 'a\\nb'"));
        Process sh = new ProcessBuilder("sh", "-c", checks.script()).start();
        String output = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, sh.waitFor());

        checks.answered(output);

        assertEquals(new CommandResult("echo runc", 0, "runc\n", ""), checks.asRoot("echo runc"));
        assertEquals(new CommandResult("exit 3", 3, "", ""), checks.asRoot("exit 3"));
        assertEquals(new CommandResult("printf 'a\\nb'", 0, "a\nb", ""), checks.asRoot("printf 'a\\nb'"));
    }
}
