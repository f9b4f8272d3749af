package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import io.jmachine.provisioner.contexts.ContextStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docker contexts of none-driver machines through the verbs (create, use, active, ls, rm), with the docker config
 * in a temp folder; no docker CLI involved (ContextsIT has it read what these write). The machines point at port 1 on
 * loopback, which refuses at once.
 */
class ContextVerbsTest {

    private static final String URL = "tcp://127.0.0.1:1";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("JMACHINE_STORAGE_PATH", dir.resolve("store").toString(), "USER", "ann",
                "DOCKER_CONFIG", docker().toString()));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private Path docker() {
        return dir.resolve("docker");
    }

    private Path config() {
        return docker().resolve("config.json");
    }

    private Path meta(String name) {
        return new ContextStore(docker().resolve("contexts")).metaFile(name);
    }

    private void create(String name) {
        Result created = run("create", "-d", "none", "--url", URL, name);
        assertEquals(0, created.code(), created.err());
    }

    @Test
    void createMakesAContextNamedAfterTheMachineWithOneLineAndRmRemovesIt() throws IOException {
        Result created = run("create", "-d", "none", "--url", URL, "n1");
        assertEquals(0, created.code(), created.err());
        assertTrue(created.err().lines().anyMatch("(n1) docker context n1 made"::equals), created.err());
        assertFalse(created.err().contains("debug"), created.err());
        assertTrue(Files.readString(meta("n1")).contains("\"Host\":\"" + URL + "\""));

        Result debug = run("create", "-D", "-d", "none", "--url", URL, "n2");
        assertTrue(debug.err().lines().anyMatch(l -> l.startsWith("jmachine: debug: docker context n2: " + meta("n2"))), debug.err());

        Result rm = run("rm", "-y", "n1");
        assertEquals(0, rm.code(), rm.err());
        assertTrue(rm.err().lines().anyMatch("(n1) docker context n1 removed"::equals), rm.err());
        assertFalse(Files.exists(meta("n1")));
        assertFalse(Files.exists(config()), "rm of a machine that was not the current context leaves config.json alone");
    }

    @Test
    void useMakesTheMachineDockersCurrentContextAndUnsetOrDefaultGoesBack() throws IOException {
        create("n1");
        create("n2");
        Files.writeString(config(), "{\"auths\":{},\"psFormat\":\"table {{.ID}}\"}");
        Result use = run("use", "n1");
        assertEquals(0, use.code(), use.err());
        assertEquals("Current context is now n1\n", use.out());
        assertEquals("", use.err(), "the context exists already: nothing else to say");
        String config = Files.readString(config());
        assertTrue(config.contains("\"currentContext\": \"n1\"") && config.contains("\"psFormat\": \"table {{.ID}}\""), config);

        assertEquals("n1\n", run("active", "-t", "1").out());
        assertEquals("n1:*\nn2:-\n", run("ls", "-t", "1", "--format", "{{.Name}}:{{.Active}}").out());
        assertEquals("n2\n", run(Map.of("DOCKER_CONTEXT", "n2"), "active", "-t", "1").out(), "DOCKER_CONTEXT wins over config.json");
        Result byHost = run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:9"), "active", "-t", "1");
        assertEquals(1, byHost.code(), "DOCKER_HOST wins over both, as in the docker CLI");
        assertTrue(byHost.err().contains("no running machine has the URL tcp://127.0.0.1:9"), byHost.err());

        Result overridden = run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:9"), "use", "n2");
        assertEquals(0, overridden.code(), overridden.err());
        assertTrue(overridden.err().contains("warning: DOCKER_HOST=tcp://127.0.0.1:9 overrides the current context"), overridden.err());

        Result unset = run("use", "--unset");
        assertEquals("Current context is now default\n", unset.out());
        assertFalse(Files.readString(config()).contains("currentContext"));
        Result none = run("active", "-t", "1");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("docker's current context is none of jmachine's"), none.err());
        run("use", "n2");
        assertEquals(0, run("use", "default").code());
        assertFalse(Files.readString(config()).contains("currentContext"));
        assertTrue(Files.readString(config()).contains("psFormat"));

        assertEquals(2, run("use").code(), "a name or --unset");
        assertEquals(2, run("use", "--unset", "n1").code());
    }

    @Test
    void useOfAnUnknownMachineExitsOneAndChangesNothing() throws IOException {
        Files.createDirectories(docker());
        Files.writeString(config(), "{\"currentContext\":\"mine\"}");
        Result ghost = run("use", "ghost");
        assertEquals(1, ghost.code());
        assertTrue(ghost.err().contains("machine ghost does not exist"), ghost.err());
        assertEquals("{\"currentContext\":\"mine\"}", Files.readString(config()));
        assertFalse(Files.exists(docker().resolve("contexts")));
    }

    @Test
    void aConfigJsonThatCannotBeParsedIsLeftUntouchedWithAnErrorNamingIt() throws IOException {
        create("n1");
        Files.writeString(config(), "{\"auths\": {,}");
        Result use = run("use", "n1");
        assertEquals(1, use.code());
        assertTrue(use.err().contains(config() + " is not valid JSON"), use.err());
        assertEquals("{\"auths\": {,}", Files.readString(config()));
        Result active = run("active", "-t", "1");
        assertEquals(1, active.code());
        assertTrue(active.err().contains(config().toString()), active.err());
        assertEquals("n1:-\n", run("ls", "-t", "1", "--format", "{{.Name}}:{{.Active}}").out(), "ls still lists");
        assertEquals(0, run("rm", "-y", "n1").code());
        assertEquals("{\"auths\": {,}", Files.readString(config()));
    }

    @Test
    void aContextOfTheUsersOwnIsNeverOverwrittenNorRemovedAndTheMachineStillWorks() throws IOException {
        Files.createDirectories(meta("mine").getParent());
        String own = "{\"Name\":\"mine\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"unix:///nonexistent.sock\",\"SkipTLSVerify\":false}}}";
        Files.writeString(meta("mine"), own);
        Result created = run("create", "-d", "none", "--url", URL, "mine");
        assertEquals(0, created.code(), created.err());
        assertTrue(created.err().contains("(mine) warning: docker context mine was not made by jmachine: jmachine leaves it as it is; "
                + "reach the machine with eval $(jmachine env mine)"), created.err());
        assertEquals(own, Files.readString(meta("mine")));
        assertTrue(run("env", "mine").out().contains("export DOCKER_HOST=\"" + URL + "\""));
        Result use = run("use", "mine");
        assertEquals(1, use.code());
        assertFalse(Files.exists(config()));

        Result rm = run("rm", "-y", "mine");
        assertEquals(0, rm.code(), rm.err());
        assertTrue(rm.err().contains("(mine) docker context mine was not made by jmachine: left as it is"), rm.err());
        assertEquals(own, Files.readString(meta("mine")));
    }

    @Test
    void rmOfTheCurrentMachineTakesDockerBackToItsDefault() throws IOException {
        create("n1");
        run("use", "n1");
        Result rm = run("rm", "-y", "n1");
        assertTrue(rm.err().contains("(n1) docker context n1 removed; docker's current context is default again"), rm.err());
        assertFalse(Files.readString(config()).contains("currentContext"));
    }
}
