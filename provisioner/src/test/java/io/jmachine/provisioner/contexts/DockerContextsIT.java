package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.provisioner.tls.CertificateAuthority;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What jmachine writes in the context store and config.json, read by the real docker CLI (DOCKER_CONFIG in a temp
 * folder), and what the docker CLI writes, read by jmachine.
 */
class DockerContextsIT {

    @TempDir
    Path dir;

    private Path dockerConfig;
    private Path store;
    private Path certs;
    private MachineContexts contexts;
    private final List<String> lines = new ArrayList<>();

    record Result(int code, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        dockerConfig = dir.resolve("docker");
        store = dir.resolve("store");
        CertificateAuthority ca = new CertificateAuthority(store.resolve("certs"), "it", Clock.systemUTC());
        ca.bootstrap();
        certs = Files.createDirectories(store.resolve("machines/dev1"));
        Files.copy(ca.caCert(), certs.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(ca.clientCert(), certs.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(ca.clientKey(), certs.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        contexts = new MachineContexts(new DockerConfigDir(dockerConfig), store, line -> { });
    }

    private Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "docker " + String.join(" ", args) + " ran past a minute");
        return new Result(process.exitValue(), out, err);
    }

    private JsonNode inspect(String name) throws Exception {
        Result inspect = docker("context", "inspect", name);
        assertEquals(0, inspect.code(), inspect.err());
        JsonNode all = DockerJson.JSON.readTree(inspect.out());
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void theDockerCliReadsTheContextJmachineWritesAsItsOwn() throws Exception {
        contexts.sync(new MachineContexts.Target("dev1", "tcp://192.168.122.5:2376", certs, "jmachine kvm machine"), lines::add);
        JsonNode context = inspect("dev1");
        assertEquals("dev1", context.path("Name").asText());
        assertEquals("tcp://192.168.122.5:2376", context.path("Endpoints").path("docker").path("Host").asText());
        assertEquals("false", context.path("Endpoints").path("docker").path("SkipTLSVerify").asText());
        assertEquals("jmachine kvm machine", context.path("Metadata").path("Description").asText());
        assertEquals(store.toString(), context.path("Metadata").path(MachineContexts.STORE_KEY).asText());
        assertEquals("[\"ca.pem\",\"cert.pem\",\"key.pem\"]", context.path("TLSMaterial").path("docker").toString());
        assertEquals(contexts.store().metaFile("dev1").getParent().toString(), context.path("Storage").path("MetadataPath").asText());
        assertEquals(contexts.store().tlsDir("dev1").getParent().toString(), context.path("Storage").path("TLSPath").asText());

        Result ls = docker("context", "ls", "--format", "{{.Name}} {{.Description}} {{.DockerEndpoint}}");
        assertTrue(ls.out().lines().anyMatch("dev1 jmachine kvm machine tcp://192.168.122.5:2376"::equals), ls.out() + ls.err());

        // what docker exports is what it read: the TLS files are the machine's
        Path exported = dir.resolve("dev1.dockercontext");
        assertEquals(0, docker("context", "export", "dev1", exported.toString()).code());
        assertTrue(Files.size(exported) > Files.size(certs.resolve("key.pem")));
    }

    @Test
    void currentContextWrittenByEitherSideIsReadByTheOther() throws Exception {
        Files.createDirectories(dockerConfig);
        Files.writeString(dockerConfig.resolve("config.json"), "{\"auths\":{},\"detachKeys\":\"ctrl-e,e\"}");
        Result noUse = docker("context", "show");
        assertEquals("default", noUse.out().strip());

        contexts.use(new MachineContexts.Target("dev1", "tcp://192.168.122.5:2376", certs, "jmachine kvm machine"), lines::add);
        assertEquals("dev1", docker("context", "show").out().strip());
        JsonNode written = DockerJson.JSON.readTree(dockerConfig.resolve("config.json").toFile());
        assertEquals("ctrl-e,e", written.path("detachKeys").asText(), "a key jmachine does not know is kept");

        assertEquals(0, docker("context", "use", "default").code());
        assertTrue(contexts.config().currentContext().isEmpty());
        assertTrue(contexts.currentMachine(Map.of()).isEmpty());
        assertEquals(0, docker("context", "use", "dev1").code());
        assertEquals("dev1", contexts.currentMachine(Map.of()).orElseThrow());

        contexts.remove("dev1", lines::add);
        assertEquals("docker context dev1 removed; docker's current context is default again", lines.getLast());
        assertEquals("default", docker("context", "show").out().strip());
        assertNotEquals(0, docker("context", "inspect", "dev1").code());
    }

    @Test
    void aContextTheDockerCliMadeIsReadAndLeftAloneAndOneItUpdatedStaysJmachines() throws Exception {
        Result created = docker("context", "create", "dev1", "--description", "mine", "--docker", "host=unix:///nonexistent.sock,ca="
                + certs.resolve("ca.pem") + ",cert=" + certs.resolve("cert.pem") + ",key=" + certs.resolve("key.pem"));
        assertEquals(0, created.code(), created.err());
        assertEquals("unix:///nonexistent.sock", contexts.store().meta("dev1").orElseThrow().path("Endpoints").path("docker").path("Host").asText());
        assertArrayEquals(Files.readAllBytes(certs.resolve("key.pem")), contexts.store().tls("dev1").orElseThrow().key(),
                "the TLS files are where jmachine looks for them");
        JsonNode before = inspect("dev1");
        contexts.sync(new MachineContexts.Target("dev1", "tcp://192.168.122.5:2376", certs, "jmachine kvm machine"), lines::add);
        assertTrue(lines.getLast().contains("was not made by jmachine"), lines.toString());
        contexts.remove("dev1", lines::add);
        assertEquals(before, inspect("dev1"));
        assertEquals(0, docker("context", "rm", "dev1").code());

        // jmachine's context, its description changed with the docker CLI: still jmachine's (docker keeps the mark)
        contexts.sync(new MachineContexts.Target("dev1", "tcp://192.168.122.5:2376", certs, "jmachine kvm machine"), lines::add);
        assertEquals(0, docker("context", "update", "dev1", "--description", "my box").code());
        assertEquals(store.toString(), inspect("dev1").path("Metadata").path(MachineContexts.STORE_KEY).asText());
        contexts.sync(new MachineContexts.Target("dev1", "tcp://192.168.122.6:2376", certs, "jmachine kvm machine"), lines::add);
        assertEquals("docker context dev1 updated", lines.getLast());
        JsonNode updated = inspect("dev1");
        assertEquals("tcp://192.168.122.6:2376", updated.path("Endpoints").path("docker").path("Host").asText());
        assertEquals("my box", updated.path("Metadata").path("Description").asText());
    }
}
