package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerConfigFileTest {

    @TempDir
    Path dir;

    private DockerConfigFile file() {
        return new DockerConfigFile(new DockerConfigDir(dir));
    }

    private JsonNode read() throws IOException {
        return DockerJson.JSON.readTree(dir.resolve("config.json").toFile());
    }

    @Test
    void settingTheCurrentContextKeepsEveryOtherKeyAndWritesAsTheDockerCliDoes() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"r.example\":{\"auth\":\"eDp5\"}},\"psFormat\":\"{{.ID}}\","
                + "\"somePluginKey\":[1,2,{\"x\":null}],\"proxies\":{}}");
        assertTrue(file().setCurrentContext("dev1"));
        JsonNode config = read();
        assertEquals("eDp5", config.path("auths").path("r.example").path("auth").asText());
        assertEquals("{{.ID}}", config.path("psFormat").asText());
        assertEquals("[1,2,{\"x\":null}]", config.path("somePluginKey").toString());
        assertEquals("dev1", config.path("currentContext").asText());
        assertEquals("{\n\t\"auths\": {\n\t\t\"r.example\": {\n\t\t\t\"auth\": \"eDp5\"\n\t\t}\n\t},\n\t\"psFormat\": \"{{.ID}}\",\n"
                + "\t\"somePluginKey\": [\n\t\t1,\n\t\t2,\n\t\t{\n\t\t\t\"x\": null\n\t\t}\n\t],\n\t\"proxies\": {},\n"
                + "\t\"currentContext\": \"dev1\"\n}", Files.readString(dir.resolve("config.json")));
        assertEquals("dev1", file().currentContext().orElseThrow());

        assertTrue(file().setCurrentContext(null));
        assertFalse(read().has("currentContext"), "docker's default is no key, as `docker context use default` leaves it");
        assertTrue(file().currentContext().isEmpty());
        assertTrue(read().has("somePluginKey"));
    }

    @Test
    void nothingIsWrittenWhenNothingChanges() throws IOException {
        assertFalse(file().setCurrentContext(null), "default, and no config.json");
        assertFalse(Files.exists(dir.resolve("config.json")), "no config.json is made for nothing");
        file().setCurrentContext("dev1");
        Object inode = Files.readAttributes(dir.resolve("config.json"), "unix:ino").get("ino");
        assertFalse(file().setCurrentContext("dev1"));
        assertEquals(inode, Files.readAttributes(dir.resolve("config.json"), "unix:ino").get("ino"));
        assertFalse(file().resetCurrentContextIf("other"), "only the context that goes away is reset");
        assertEquals("dev1", file().currentContext().orElseThrow());
        assertTrue(file().resetCurrentContextIf("dev1"));
        assertTrue(file().currentContext().isEmpty());
    }

    @Test
    void aConfigThatCannotBeParsedIsLeftUntouchedWithAnErrorNamingIt() throws IOException {
        Path config = dir.resolve("config.json");
        for (String broken : List.of("{\"auths\": {", "[1, 2]", "{} trailing", "\"text\"")) {
            Files.writeString(config, broken);
            DockerConfigException e = assertThrows(DockerConfigException.class, () -> file().setCurrentContext("dev1"), broken);
            assertTrue(e.getMessage().startsWith(config.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("leaves it as it is"), e.getMessage());
            assertEquals(broken, Files.readString(config));
            assertThrows(DockerConfigException.class, () -> file().currentContext());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(".jmachine.lock", "config.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp file left behind");
        }
    }

    @Test
    void anEmptyConfigReadsAsNoSettingsAsTheDockerCliReadsIt() throws IOException {
        Files.writeString(dir.resolve("config.json"), "  \n");
        assertTrue(file().currentContext().isEmpty());
        assertTrue(file().setCurrentContext("dev1"));
        assertEquals("dev1", read().path("currentContext").asText());
    }

    @Test
    void aNewConfigIsTheOwnersAloneAndAnExistingOneKeepsItsMode() throws IOException {
        file().setCurrentContext("dev1");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.json"))));
        Files.setPosixFilePermissions(dir.resolve("config.json"), PosixFilePermissions.fromString("rw-r--r--"));
        file().setCurrentContext("dev2");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.json"))));
    }

    @Test
    void aSymlinkedConfigIsChangedWhereItPoints() throws IOException {
        Path real = Files.createDirectories(dir.resolve("dotfiles")).resolve("docker-config.json");
        Files.writeString(real, "{\"psFormat\":\"x\"}");
        Path docker = Files.createDirectories(dir.resolve("docker"));
        Files.createSymbolicLink(docker.resolve("config.json"), Path.of("../dotfiles/docker-config.json"));
        new DockerConfigFile(new DockerConfigDir(docker)).setCurrentContext("dev1");
        assertTrue(Files.isSymbolicLink(docker.resolve("config.json")), "the link stays a link");
        JsonNode config = DockerJson.JSON.readTree(real.toFile());
        assertEquals("dev1", config.path("currentContext").asText());
        assertEquals("x", config.path("psFormat").asText());
    }

    @Test
    void threadsChangingTheConfigAtOnceLoseNoChange() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"keep\":true}");
        int threads = 8;
        int changes = 25;
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int writer = t;
                futures.add(executor.submit(() -> ConcurrentConfigWriter.change(file(), "thread" + writer, changes)));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        assertAllChangesKept(threads, "thread", changes);
    }

    @Test
    void processesChangingTheConfigAtOnceLoseNoChangeAndNeverTearIt() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"keep\":true}");
        int processes = 4;
        int changes = 40;
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<Process> running = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            running.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ConcurrentConfigWriter.class.getName(),
                    dir.toString(), "process" + p, Integer.toString(changes)).redirectErrorStream(true).start());
        }
        for (Process process : running) {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "a writer ran past two minutes");
            assertEquals(0, process.exitValue(), new String(process.getInputStream().readAllBytes()));
        }
        assertAllChangesKept(processes, "process", changes);
    }

    private void assertAllChangesKept(int writers, String prefix, int changes) throws IOException {
        JsonNode config = read();
        assertTrue(config.path("keep").asBoolean(), "the key that was there before is kept");
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < changes; i++) {
                assertTrue(config.has(prefix + w + "-" + i), "lost: " + prefix + w + "-" + i);
            }
        }
        assertTrue(config.path("currentContext").asText().startsWith(prefix), config.toString());
        try (var files = Files.list(dir)) {
            assertArrayEquals(new String[] {".jmachine.lock", "config.json"},
                    files.map(p -> p.getFileName().toString()).sorted().toArray(), "no temp file left behind");
        }
    }
}
