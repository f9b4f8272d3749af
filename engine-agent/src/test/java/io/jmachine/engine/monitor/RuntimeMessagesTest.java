package io.jmachine.engine.monitor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuntimeMessagesTest {

    @Test
    void runcsLogfmtErrorBecomesItsMessage() {
        String stderr = "time=\"2026-11-28T19:41:20Z\" level=warning msg=\"something minor\"\n"
                + "time=\"2026-11-28T19:41:20Z\" level=error msg=\"runc create failed: unable to start container process: "
                + "exec: \\\"/no/such\\\": stat /no/such: no such file or directory\"\n";

        assertEquals("runc create failed: unable to start container process: exec: \"/no/such\": stat /no/such: no such file or directory",
                RuntimeMessages.fromStderr(stderr));
    }

    @Test
    void otherTextPassesThroughTrimmed() {
        assertEquals("crun: something broke", RuntimeMessages.fromStderr("  crun: something broke\n"));
        assertEquals("the runtime failed without a message", RuntimeMessages.fromStderr(""));
    }

    @Test
    void unquotedValuesAndKeysInsideOtherWordsAreTellApart() {
        assertEquals("plain", RuntimeMessages.field("xmsg=wrong msg=plain level=error", "msg"));
    }
}
