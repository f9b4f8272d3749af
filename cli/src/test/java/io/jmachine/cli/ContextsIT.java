package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A machine's docker context, used by the real docker CLI: a none-driver machine points at a stand-in engine with
 * mutual TLS on loopback (the {@link TrainingEngine}, whose server certificate comes from the store's CA), so the
 * docker CLI reaches it only with the client files jmachine put in the context.
 */
class ContextsIT {

    @TempDir
    Path dir;

    @Test
    void theDockerCliReachesTheMachineThroughItsContextAndThroughUse() throws Exception {
        TestCli cli = new TestCli(dir);
        try (TrainingEngine engine = TrainingEngine.start(dir.resolve("store/certs"))) {
            Result create = cli.jmachine("create", "-d", "none", "--url", engine.url(), "n1");
            assertEquals(0, create.code(), create.err());
            Result ls = cli.docker(Map.of(), "context", "ls", "--format", "{{.Name}} {{.DockerEndpoint}}");
            assertTrue(ls.out().lines().anyMatch(("n1 " + engine.url())::equals), ls.out() + ls.err());

            Result version = cli.docker(Map.of(), "--context", "n1", "version", "--format", "{{.Server.Version}}");
            assertEquals(0, version.code(), version.err());
            assertEquals("training-1", version.out().strip());
            Result plain = cli.docker(Map.of(), "version", "--format", "{{.Server.Version}}");
            assertNotEquals("training-1", plain.out().strip(), "before use, plain docker does not go to the machine");

            assertEquals(0, cli.jmachine("use", "n1").code());
            assertEquals("n1", cli.docker(Map.of(), "context", "show").out().strip());
            assertEquals("training-1", cli.docker(Map.of(), "version", "--format", "{{.Server.Version}}").out().strip());
            assertEquals("n1\n", cli.jmachine("active").out());

            Result rm = cli.jmachine("rm", "-y", "n1");
            assertEquals(0, rm.code(), rm.err());
            assertEquals("default", cli.docker(Map.of(), "context", "show").out().strip());
            assertNotEquals(0, cli.docker(Map.of(), "context", "inspect", "n1").code());
        }
    }
}
