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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** export and import between two stores, on none-driver machines (the kvm disk path is in the fleet scenario). */
class ExportImportTest {

    @TempDir
    Path dir;

    private VerbsTest.Result run(String store, String... args) {
        Map<String, String> env = Map.of("JMACHINE_STORAGE_PATH", dir.resolve(store).toString(), "USER", "ann",
                "DOCKER_CONFIG", dir.resolve("docker").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new VerbsTest.Result(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void aMachineMovesToAnotherStoreWithItsCertificatesAndPathsOfItsNewHome() throws Exception {
        assertEquals(0, run("a", "create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2376", "--engine-label", "k=v", "m1").code());
        String archive = dir.resolve("m1.tar").toString();
        VerbsTest.Result export = run("a", "export", "-o", archive, "m1");
        assertEquals(0, export.code(), export.err());

        VerbsTest.Result imported = run("b", "import", archive);
        assertEquals(0, imported.code(), imported.err());
        Path moved = dir.resolve("b/machines/m1");
        assertEquals(Files.readString(dir.resolve("a/machines/m1/key.pem")), Files.readString(moved.resolve("key.pem")),
                "the client key came along");
        JsonNode config = new ObjectMapper().readTree(run("b", "inspect", "--format", "json", "m1").out());
        assertEquals(moved.toString(), config.at("/HostOptions/AuthOptions/CertDir").asText());
        assertEquals(dir.resolve("b").toString(), config.at("/HostOptions/AuthOptions/StorePath").asText());
        assertEquals("tcp://127.0.0.1:2376", run("b", "url", "m1").out().strip());

        VerbsTest.Result again = run("b", "import", archive);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("m1 already exists here"), again.err());
        assertEquals(0, run("b", "import", "--name", "m2", archive).code());
        assertEquals("m1\nm2\n", run("b", "ls", "-q", "-t", "1").out());
    }

    @Test
    void aNoneMachineHasNoDiskToExport() {
        run("a", "create", "-q", "-d", "none", "--url", "tcp://127.0.0.1:2376", "m1");
        VerbsTest.Result export = run("a", "export", "--disk", "-o", dir.resolve("m1.tar").toString(), "m1");
        assertEquals(1, export.code());
        assertTrue(export.err().contains("keeps no disk"), export.err());
        assertFalse(Files.exists(dir.resolve("m1.tar")) || Files.exists(dir.resolve("m1.tar.tmp")), "a failed export leaves nothing");
    }
}
