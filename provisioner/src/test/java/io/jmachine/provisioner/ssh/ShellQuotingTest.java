package io.jmachine.provisioner.ssh;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShellQuotingTest {

    @Test
    void shellQuotingSurvivesSh() throws Exception {
        String tricky = "it's a \"test\" $HOME `x` \\ end";
        Process sh = new ProcessBuilder("sh", "-c", "printf %s " + ShellQuoting.quote(tricky)).start();
        assertEquals(tricky, new String(sh.getInputStream().readAllBytes()));
        assertEquals(0, sh.waitFor());
        assertEquals("/opt/jmachine-engine", ShellQuoting.quote("/opt/jmachine-engine"));
        assertEquals("''", ShellQuoting.quote(""));
    }

    @Test
    void joinQuotesEachWord() throws Exception {
        String line = ShellQuoting.join(List.of("printf", "%s|%s", "a b", "it's"));
        Process sh = new ProcessBuilder("sh", "-c", line).start();
        assertEquals("a b|it's", new String(sh.getInputStream().readAllBytes()));
        assertEquals(0, sh.waitFor());
    }
}
