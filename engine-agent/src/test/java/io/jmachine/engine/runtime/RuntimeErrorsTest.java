package io.jmachine.engine.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuntimeErrorsTest {

    static final String MISSING = "exec: \"/no/such/binary\": stat /no/such/binary: no such file or directory";

    @Test
    void theLastErrorOfAJsonLogWins(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("runc.log");
        Files.writeString(log, """
                {"level":"warning","msg":"a warning","time":"2025-01-01T00:00:00Z"}
                {"level":"error","msg":"first","time":"2025-01-01T00:00:00Z"}
                {"level":"error","msg":"runc create failed: unable to start container process: %s","time":"2025-01-01T00:00:00Z"}
                """.formatted(MISSING.replace("\"", "\\\"")));
        String error = RuntimeErrors.errorInLog(log).orElseThrow();
        assertEquals("runc create failed: unable to start container process: " + MISSING, error);
        assertEquals(127, new OciRuntimeException("runc", "create", 1, error).dockerExitCode());
        assertEquals(Optional.empty(), RuntimeErrors.errorInLog(dir.resolve("absent.log")));
    }

    @Test
    void logfmtAndBareStderrAreRead() {
        assertEquals("container \"x\" does not exist",
                RuntimeErrors.fromStderr("time=\"2025\" level=error msg=\"container \\\"x\\\" does not exist\"\n", 1));
        assertEquals("something broke", RuntimeErrors.fromStderr("something broke\n", 1));
        assertEquals("exit status 2", RuntimeErrors.fromStderr("", 2));
    }

    @Test
    void exitCodesFollowDocker() {
        assertEquals(126, new OciRuntimeException("runc", "create", 1,
                "exec: \"/etc/passwd\": permission denied").dockerExitCode());
        assertEquals(127, new OciRuntimeException("runc", "create", 1,
                "exec: \"nope\": executable file not found in $PATH").dockerExitCode());
        assertEquals(128, new OciRuntimeException("runc", "create", 1, "cgroup setup failed").dockerExitCode());
    }
}
