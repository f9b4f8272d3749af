package io.jmachine.engine.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ExecProcessSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path bundle;

    @Test
    void theContainersProcessWithTheRequestsCommandAndOverrides() throws Exception {
        Files.writeString(bundle.resolve("config.json"), """
                {"process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["sleep", "1000"],
                 "env": ["PATH=/bin", "HOME=/root"], "cwd": "/", "consoleSize": {"height": 1, "width": 1},
                 "capabilities": {"bounding": ["CAP_KILL"]}, "noNewPrivileges": true}}
                """);
        ExecRequest request = ExecRequest.of("sh", "-c", "id").withTty(true).withEnv(List.of("HOME=/home/x", "EXTRA=1"))
                .withWorkingDir("/tmp").withUser(new ExecRequest.ProcessUser(1000, 100, List.of(10)))
                .withConsoleSize(new ExecRequest.ConsoleSize(24, 80));

        JsonNode process = JSON.readTree(ExecProcessSpec.build(bundle, request));

        assertEquals("[\"sh\",\"-c\",\"id\"]", process.get("args").toString());
        assertEquals("[\"PATH=/bin\",\"HOME=/home/x\",\"EXTRA=1\"]", process.get("env").toString());
        assertEquals("/tmp", process.get("cwd").asText());
        assertEquals("{\"uid\":1000,\"gid\":100,\"additionalGids\":[10]}", process.get("user").toString());
        assertEquals(true, process.get("terminal").asBoolean());
        assertEquals("{\"height\":24,\"width\":80}", process.get("consoleSize").toString());
        assertEquals("[\"CAP_KILL\"]", process.at("/capabilities/bounding").toString(), "the container's capabilities");
        assertEquals(true, process.get("noNewPrivileges").asBoolean());
    }

    @Test
    void withoutOverridesTheContainersUserAndDirectoryAndNoConsoleSize() throws Exception {
        Files.writeString(bundle.resolve("config.json"), """
                {"process": {"terminal": true, "user": {"uid": 5, "gid": 6}, "args": ["sh"], "cwd": "/srv",
                 "consoleSize": {"height": 1, "width": 1}}}
                """);

        JsonNode process = JSON.readTree(ExecProcessSpec.build(bundle, ExecRequest.of("ls")));

        assertEquals("{\"uid\":5,\"gid\":6}", process.get("user").toString());
        assertEquals("/srv", process.get("cwd").asText());
        assertEquals(false, process.get("terminal").asBoolean());
        assertFalse(process.has("consoleSize"));
        assertEquals("[]", process.get("env").toString());
    }
}
