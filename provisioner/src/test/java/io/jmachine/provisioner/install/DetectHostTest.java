package io.jmachine.provisioner.install;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectHostTest {

    private static final String OS_RELEASE = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";

    @Test
    void theRootShellsOneAnswerGivesTheReleaseTheServiceManagerAndTheChecks() {
        DetectHost.Answer answer = DetectHost.Answer.parse("jmachine-root\n" + OS_RELEASE + "\njmachine-systemd=yes\njmachine-checks\n"
                + "runc\n\njmachine-check-1 0\n");

        assertEquals("debian", answer.release().id());
        assertTrue(answer.systemd());
        assertEquals(Optional.of("runc\n\njmachine-check-1 0\n"), answer.checks());
    }

    @Test
    void aCheckThatPrintsTheMarkersDoesNotChangeWhatTheHostIs() {
        DetectHost.Answer answer = DetectHost.Answer.parse("jmachine-root\n" + OS_RELEASE + "\njmachine-systemd=no\njmachine-checks\n"
                + "jmachine-systemd=yes\nID=fedora\njmachine-checks\n");

        assertEquals("debian", answer.release().id());
        assertFalse(answer.systemd());
        assertEquals(Optional.of("jmachine-systemd=yes\nID=fedora\njmachine-checks\n"), answer.checks());
    }

    @Test
    void aShellThatEndedBeforeTheChecksHasNone() {
        DetectHost.Answer answer = DetectHost.Answer.parse("jmachine-root\n");

        assertEquals(Optional.empty(), answer.checks());
    }
}
