package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy over the docker CLI's context store: jmachine's own contexts follow the machines, anyone else's are left alone. */
class MachineContextsTest {

    @TempDir
    Path dir;

    private Path store;
    private Path certs;
    private MachineContexts contexts;
    private final List<String> lines = new ArrayList<>();
    private final List<String> debug = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        store = dir.resolve("store");
        certs = machine(store, "dev1");
        contexts = new MachineContexts(new DockerConfigDir(dir.resolve("docker")), store, debug::add);
    }

    /** A machine folder in {@code store} with client files, as create leaves it. */
    private static Path machine(Path store, String name) throws IOException {
        Path machineDir = Files.createDirectories(store.resolve("machines").resolve(name));
        Files.writeString(machineDir.resolve("ca.pem"), "CA of " + store);
        Files.writeString(machineDir.resolve("cert.pem"), "client cert");
        Files.writeString(machineDir.resolve("key.pem"), "client key");
        return machineDir;
    }

    private MachineContexts.Target target(String name, String host) {
        return new MachineContexts.Target(name, host, certs, "jmachine kvm machine");
    }

    private ContextStore docker() {
        return contexts.store();
    }

    private Path configFile() {
        return dir.resolve("docker/config.json");
    }

    /** A context as `docker context create NAME --docker host=HOST` leaves it. */
    private void userContext(String name, String host) throws IOException {
        Path meta = docker().metaFile(name);
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"" + host
                + "\",\"SkipTLSVerify\":false}}}");
    }

    @Test
    void aMachineGetsAContextNamedAfterItWithItsTlsFilesAndAMark() throws IOException {
        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        assertEquals(List.of("docker context dev1 made"), lines);
        Path meta = dir.resolve("docker/contexts/meta/cf4b9c1f5eb31deb9ea41f56faa757b68be9cab8b73f463229df17036bdfa13e/meta.json");
        assertEquals(meta, docker().metaFile("dev1"), "the folder is the SHA-256 of the name, as the docker CLI names it");
        JsonNode written = DockerJson.JSON.readTree(meta.toFile());
        assertEquals("dev1", written.path("Name").asText());
        assertEquals("tcp://192.168.122.5:2376", written.path("Endpoints").path("docker").path("Host").asText());
        assertFalse(written.path("Endpoints").path("docker").path("SkipTLSVerify").asBoolean(true));
        assertEquals("jmachine kvm machine", written.path("Metadata").path("Description").asText());
        assertEquals(store.toString(), written.path("Metadata").path(MachineContexts.STORE_KEY).asText());
        Path tls = dir.resolve("docker/contexts/tls/cf4b9c1f5eb31deb9ea41f56faa757b68be9cab8b73f463229df17036bdfa13e/docker");
        assertArrayEquals(Files.readAllBytes(certs.resolve("key.pem")), Files.readAllBytes(tls.resolve("key.pem")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("key.pem"))));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(meta)));
        assertFalse(Files.exists(configFile()), "making a context does not make it the current one");
    }

    @Test
    void aContextFollowsTheAddressAndCertificatesAndSaysNothingWhenNothingChanged() throws IOException {
        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        assertEquals(List.of("docker context dev1 made"), lines, "no line for no change");
        assertTrue(debug.stream().anyMatch(l -> l.contains("up to date")), "-D says it was looked at: " + debug);

        // the user renamed its description: kept across an update
        ObjectNode meta = docker().meta("dev1").orElseThrow();
        ((ObjectNode) meta.path("Metadata")).put("Description", "my dev box");
        Files.write(docker().metaFile("dev1"), DockerJson.compact(meta));
        contexts.sync(target("dev1", "tcp://192.168.122.77:2376"), lines::add);
        assertEquals("docker context dev1 updated", lines.getLast());
        JsonNode moved = docker().meta("dev1").orElseThrow();
        assertEquals("tcp://192.168.122.77:2376", moved.path("Endpoints").path("docker").path("Host").asText());
        assertEquals("my dev box", moved.path("Metadata").path("Description").asText());

        Files.writeString(certs.resolve("cert.pem"), "a new client cert");
        contexts.sync(target("dev1", "tcp://192.168.122.77:2376"), lines::add);
        assertEquals(List.of("docker context dev1 made", "docker context dev1 updated", "docker context dev1 updated"), lines);
        assertEquals("a new client cert", new String(docker().tls("dev1").orElseThrow().cert(), StandardCharsets.UTF_8));
    }

    @Test
    void aContextJmachineDidNotMakeIsNeverOverwrittenNorRemoved() throws IOException {
        userContext("dev1", "unix:///nonexistent.sock");
        byte[] before = Files.readAllBytes(docker().metaFile("dev1"));
        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().startsWith("warning: docker context dev1 was not made by jmachine: jmachine leaves it as it is; "
                + "reach the machine with eval $(jmachine env dev1)"), lines.getFirst());
        assertArrayEquals(before, Files.readAllBytes(docker().metaFile("dev1")));
        assertFalse(Files.exists(docker().tlsDir("dev1")));

        Files.writeString(configFile(), "{\"currentContext\":\"other\"}");
        DockerConfigException refused = assertThrows(DockerConfigException.class, () -> contexts.use(target("dev1", "tcp://x:1"), lines::add));
        assertTrue(refused.getMessage().contains("was not made by jmachine"), refused.getMessage());
        assertEquals("{\"currentContext\":\"other\"}", Files.readString(configFile()), "use changed nothing");

        contexts.remove("dev1", lines::add);
        assertEquals("docker context dev1 was not made by jmachine: left as it is", lines.getLast());
        assertArrayEquals(before, Files.readAllBytes(docker().metaFile("dev1")));
        assertTrue(contexts.currentMachine(Map.of("DOCKER_CONTEXT", "dev1")).isEmpty(), "a context of the user's own is no machine");
    }

    @Test
    void aContextOfAnotherStoresLiveMachineIsLeftButAStaleOneIsTakenOver() throws IOException {
        Path otherStore = dir.resolve("other-store");
        machine(otherStore, "dev1");
        MachineContexts other = new MachineContexts(new DockerConfigDir(dir.resolve("docker")), otherStore, line -> { });
        other.sync(new MachineContexts.Target("dev1", "tcp://10.0.0.9:2376", otherStore.resolve("machines/dev1"), "x"), line -> { });

        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        assertTrue(lines.getFirst().contains("belongs to the machine dev1 of the jmachine store " + otherStore), lines.toString());
        assertEquals("tcp://10.0.0.9:2376", docker().meta("dev1").orElseThrow().path("Endpoints").path("docker").path("Host").asText());

        // that store's machine went away without its rm (its folder deleted by hand): the context is free to take
        Files.walk(otherStore).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        contexts.sync(target("dev1", "tcp://192.168.122.5:2376"), lines::add);
        assertEquals("docker context dev1 made", lines.getLast());
        assertEquals(store.toString(), docker().meta("dev1").orElseThrow().path("Metadata").path(MachineContexts.STORE_KEY).asText());
    }

    @Test
    void removingAMachinesContextResetsTheCurrentContextOnlyWhenItWasThatOne() throws IOException {
        machine(store, "dev2");
        contexts.sync(target("dev1", "tcp://10.0.0.1:2376"), lines::add);
        contexts.sync(target("dev2", "tcp://10.0.0.2:2376"), lines::add);
        Files.writeString(configFile(), "{\"auths\":{},\"currentContext\":\"dev1\"}");

        contexts.remove("dev2", lines::add);
        assertEquals("docker context dev2 removed", lines.getLast());
        assertFalse(Files.exists(docker().metaFile("dev2").getParent()));
        assertFalse(Files.exists(docker().tlsDir("dev2").getParent()));
        assertEquals("dev1", contexts.config().currentContext().orElseThrow());

        contexts.remove("dev1", lines::add);
        assertEquals("docker context dev1 removed; docker's current context is default again", lines.getLast());
        assertTrue(contexts.config().currentContext().isEmpty());
        assertTrue(DockerJson.JSON.readTree(configFile().toFile()).has("auths"));
        int before = lines.size();
        contexts.remove("dev1", lines::add);
        assertEquals(before, lines.size(), "no context, no line");
    }

    @Test
    void useMakesTheContextAndTheCurrentOneButChangesNothingWhenConfigJsonIsBroken() throws IOException {
        Files.createDirectories(configFile().getParent());
        Files.writeString(configFile(), "{\"auths\": {");
        DockerConfigException broken = assertThrows(DockerConfigException.class, () -> contexts.use(target("dev1", "tcp://10.0.0.1:2376"), lines::add));
        assertTrue(broken.getMessage().contains(configFile().toString()), broken.getMessage());
        assertEquals("{\"auths\": {", Files.readString(configFile()));
        assertFalse(Files.exists(docker().metaFile("dev1")), "not even the context was made");

        Files.delete(configFile());
        assertTrue(contexts.use(target("dev1", "tcp://10.0.0.1:2376"), lines::add));
        assertEquals(List.of("docker context dev1 made"), lines);
        assertEquals("dev1", contexts.config().currentContext().orElseThrow());
        assertEquals("dev1", contexts.currentMachine(Map.of()).orElseThrow());
        assertFalse(contexts.use(target("dev1", "tcp://10.0.0.1:2376"), lines::add), "already the current one");
        assertTrue(contexts.currentMachine(Map.of("DOCKER_CONTEXT", "default")).isEmpty(), "DOCKER_CONTEXT wins over config.json");
        assertTrue(contexts.unset());
        assertTrue(contexts.currentMachine(Map.of()).isEmpty());
    }

    @Test
    void namesTheDockerCliRefusesGetNoContextAndALineThatSaysWhy() throws IOException {
        Path a = machine(store, "a");
        contexts.sync(new MachineContexts.Target("a", "tcp://10.0.0.1:2376", a, "x"), lines::add);
        contexts.sync(new MachineContexts.Target("default", "tcp://10.0.0.1:2376", a, "x"), lines::add);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("no docker context for a: docker takes context names of two characters or more"), lines.get(0));
        assertTrue(lines.get(1).startsWith("no docker context for default: \"default\" is the docker CLI's own context name"), lines.get(1));
        assertFalse(Files.exists(dir.resolve("docker/contexts")));
        assertThrows(DockerConfigException.class, () -> contexts.use(new MachineContexts.Target("a", "tcp://10.0.0.1:2376", a, "x"), lines::add));
    }

    @Test
    void aContextThatCannotBeWrittenIsAWarningNotAFailure() throws IOException {
        Files.delete(certs.resolve("key.pem"));
        contexts.sync(target("dev1", "tcp://10.0.0.1:2376"), lines::add);
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().startsWith("warning: cannot write docker context dev1 (") && lines.getFirst().contains("key.pem")
                && lines.getFirst().endsWith("reach the machine with eval $(jmachine env dev1)"), lines.getFirst());
        assertTrue(docker().meta("dev1").isEmpty());
    }
}
