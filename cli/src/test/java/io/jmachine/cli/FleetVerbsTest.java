package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fleet verbs end to end on none-driver machines (no host involved). */
class FleetVerbsTest {

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

    private String fleet(int count, String label) throws Exception {
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, "name: lab\nmachines:\n  web:\n    driver: none\n    count: " + count
                + "\n    options:\n      url: tcp://127.0.0.1:1\n      engine-label: [" + label + "]\n");
        return file.toString();
    }

    @Test
    void planApplyStatusAndRmTouchOnlyTheFleetsMachines() throws Exception {
        assertEquals(0, run("create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2", "loner").code());
        String file = fleet(2, "role=web");
        VerbsTest.Result plan = run("fleet", "plan", "-f", file);
        assertEquals(2, plan.code(), plan.err());
        assertTrue(plan.out().contains("create    lab-web-1"), plan.out());

        VerbsTest.Result apply = run("fleet", "apply", "-f", file, "--parallel", "2");
        assertEquals(0, apply.code(), apply.err());
        assertEquals("lab-web-1\nlab-web-2\n", run("ls", "-q", "-t", "1", "--filter", "label=jmachine.fleet=lab").out());
        assertEquals(0, run("fleet", "plan", "-f", file).code());
        VerbsTest.Result again = run("fleet", "apply", "-f", file);
        assertEquals(0, again.code());
        assertTrue(again.out().contains("nothing to change"), again.out());

        JsonNode status = new ObjectMapper().readTree(run("fleet", "status", "-t", "1", "-f", file, "--format", "json").out());
        assertEquals(2, status.size());
        assertEquals("lab-web-1", status.get(0).get("Name").asText());
        assertEquals("keep", status.get(0).get("Plan").asText());

        String changed = fleet(1, "role=db");
        VerbsTest.Result recreate = run("fleet", "plan", "--prune", "-f", changed);
        assertTrue(recreate.out().contains("recreate  lab-web-1  engine-label [\"role=web\"] -> [\"role=db\"]"), recreate.out());
        assertTrue(recreate.out().contains("remove    lab-web-2"), recreate.out());
        assertEquals(0, run("fleet", "apply", "--prune", "--recreate", "-f", changed).code());
        assertEquals(0, run("fleet", "plan", "-f", changed).code());

        VerbsTest.Result rm = run("fleet", "rm", "-y", "-f", changed);
        assertEquals(0, rm.code(), rm.err());
        assertEquals("loner\n", run("ls", "-q", "-t", "1").out());
    }

    @Test
    void aBadFileIsAUsageErrorAndNothingIsMade() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nmachines:\n  x:\n    driver: nosuch\n");
        VerbsTest.Result result = run("fleet", "apply", "-f", bad.toString());
        assertEquals(2, result.code());
        assertTrue(result.err().contains("unknown driver \"nosuch\""), result.err());
        assertEquals("", run("ls", "-q").out());
    }
}
