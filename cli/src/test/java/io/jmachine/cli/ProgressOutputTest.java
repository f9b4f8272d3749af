package io.jmachine.cli;

import io.jmachine.drivers.Progress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressOutputTest {

    private final StringWriter text = new StringWriter();

    private Progress progress(boolean terminal, boolean debug) {
        return new ProgressOutput(new PrintWriter(text), terminal, debug, 40).forMachine("m1");
    }

    @Test
    void offATerminalAWaitIsNotALinePerAttemptAndDetailsStayHidden() {
        Progress progress = progress(false, false);
        progress.report("waiting for SSH");
        for (int attempt = 1; attempt <= 12; attempt++) {
            progress.status("attempt " + attempt + ": connection reset");
        }
        progress.detail("I: running apt-get update...");
        progress.report("SSH is up");
        assertEquals("(m1) waiting for SSH\n(m1) SSH is up\n", text.toString());
    }

    @Test
    void onATerminalAWaitIsOneLineThatChangesInPlaceAndIsClearedBeforeTheNextLine() {
        Progress progress = progress(true, false);
        progress.status("attempt 1");
        progress.status("attempt 2 of a wait whose line is longer than the terminal is wide");
        progress.report("done");
        assertEquals("\r\033[2K(m1) attempt 1\r\033[2K(m1) attempt 2 of a wait whose line is…\r\033[2K(m1) done\n", text.toString());
    }

    @Test
    void debugShowsEverythingAsLines() {
        Progress progress = progress(true, true);
        progress.status("attempt 1");
        progress.detail("tool output");
        assertEquals("(m1) attempt 1\n(m1) tool output\n", text.toString());
    }
}
