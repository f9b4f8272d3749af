package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What scripts read: JSON from ls and inspect, names only from create -q, exit codes in every verb's help. */
class ScriptOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private VerbsTest.Result run(String... args) {
        Map<String, String> env = Map.of("JMACHINE_STORAGE_PATH", dir.resolve("store").toString(), "USER", "ann",
                "DOCKER_CONFIG", dir.resolve("docker").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new VerbsTest.Result(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void createQuietPrintsOnlyTheNameOnStdout() {
        VerbsTest.Result created = run("create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2376", "--engine-label", "team=a", "n1");
        assertEquals(0, created.code(), created.err());
        assertEquals("n1\n", created.out());
    }

    @Test
    void lsFormatJsonIsOneArrayAndFiltersByLabel() throws Exception {
        run("create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2376", "--engine-label", "team=a", "n1");
        run("create", "-q", "-d", "none", "--url", "tcp://127.0.0.2:2376", "--engine-label", "team=b", "n2");
        JsonNode all = JSON.readTree(run("ls", "-t", "1", "--format", "json").out());
        assertTrue(all.isArray(), all.toString());
        assertEquals(2, all.size());
        assertEquals("n1", all.get(0).get("Name").asText());
        assertEquals("n2\n", run("ls", "-q", "-t", "1", "--filter", "label=team=b").out());
        assertEquals("[]", run("ls", "-t", "1", "--format", "json", "--filter", "name=nomatch").out().strip());
    }

    @Test
    void inspectFormatJsonIsTheStoredObject() throws Exception {
        run("create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2376", "n1");
        JsonNode machine = JSON.readTree(run("inspect", "--format", "json", "n1").out());
        assertEquals("n1", machine.get("Name").asText());
        assertEquals("none", machine.get("DriverName").asText());
    }

    @Test
    void everyVerbsHelpListsItsExitCodes() {
        for (String verb : new String[] {"create", "ls", "rm", "inspect", "fleet", "status", "export", "import"}) {
            VerbsTest.Result help = run(verb, "--help");
            assertTrue(help.out().contains("Exit codes:") && help.out().contains("usage error"), verb + ": " + help.out());
        }
        assertTrue(run("create", "--help").out().contains("pre-create check"));
    }
}
