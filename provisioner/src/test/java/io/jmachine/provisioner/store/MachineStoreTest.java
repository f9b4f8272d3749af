package io.jmachine.provisioner.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineStoreTest {

    @TempDir
    Path dir;

    private MachineStore store() {
        return new MachineStore(StoreLocation.resolve(dir.resolve("store"), Map.of(), dir));
    }

    private static MachineConfig config(String name) {
        ObjectNode driver = MachineStore.JSON.createObjectNode().put("IPAddress", "10.0.0.9").put("SSHUser", "root")
                .put("SSHPort", 22).put("SSHKeyPath", "/store/machines/" + name + "/id_machine");
        EngineOptions engine = new EngineOptions(List.of("bridge=jm0"), List.of("HTTP_PROXY=http://p:3128"), List.of("r:5000"),
                List.of("env=dev"), List.of(), true, null, null);
        AuthOptions auth = new AuthOptions("/c", "/c/ca.pem", "/c/ca-key.pem", "/c/cert.pem", "/c/key.pem", "/m/server.pem",
                "/m/server-key.pem", "ca.pem", "server.pem", "server-key.pem", "/store", List.of("10.0.0.9"));
        return new MachineConfig(MachineConfig.CURRENT_VERSION, name, "generic", driver, new HostOptions("generic", engine, auth),
                "2025-01-01T00:00:00Z");
    }

    @Test
    void roundTripsWithDockerMachinesFieldNamesAndAVersion() throws Exception {
        MachineStore store = store();
        store.save(config("m1"));
        assertEquals(config("m1"), store.load("m1"));
        assertEquals(List.of("m1"), store.names());

        JsonNode json = MachineStore.JSON.readTree(store.machineDir("m1").resolve("machine.json").toFile());
        assertEquals(MachineConfig.CURRENT_VERSION, json.get("ConfigVersion").asInt());
        assertEquals("m1", json.get("Name").asText());
        assertEquals("generic", json.get("DriverName").asText());
        assertEquals("10.0.0.9", json.at("/Driver/IPAddress").asText());
        assertEquals(22, json.at("/Driver/SSHPort").asInt());
        assertEquals("env=dev", json.at("/HostOptions/EngineOptions/Labels/0").asText());
        assertEquals("/m/server.pem", json.at("/HostOptions/AuthOptions/ServerCertPath").asText());
        assertEquals(EngineOptions.DEFAULT_INSTALL_DIR, json.at("/HostOptions/EngineOptions/InstallDir").asText());
    }

    @Test
    void writesAtomicallyWithNoTempFileLeftAndOwnerOnlyMode() throws Exception {
        MachineStore store = store();
        store.save(config("m1"));
        store.save(config("m1"));
        Path machineDir = store.machineDir("m1");
        try (Stream<Path> files = Files.list(machineDir)) {
            assertEquals(List.of("machine.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp files remain");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(machineDir.resolve("machine.json"))));

        Path target = dir.resolve("atomic.txt");
        Files.writeString(target, "old");
        // a write that fails half-way (the target is a folder now) leaves no temp file and the folder as it was
        Files.delete(target);
        Files.createDirectories(target.resolve("child"));
        assertThrows(Exception.class, () -> AtomicFiles.write(target, "new".getBytes(), AtomicFiles.READABLE));
        assertTrue(Files.isDirectory(target.resolve("child")));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "the temp file was cleaned up");
        }
    }

    @Test
    void secretsStayOutOfMachineJsonInAnOwnerOnlyFile() throws Exception {
        MachineStore store = store();
        store.save(config("m1"));
        store.saveSecrets("m1", Map.of("--cloud-token", "s3cr3t-value"));
        String machineJson = Files.readString(store.machineDir("m1").resolve("machine.json"));
        assertFalse(machineJson.contains("s3cr3t-value"));
        assertFalse(machineJson.contains("PRIVATE KEY"));
        Path secrets = store.machineDir("m1").resolve(MachineStore.SECRETS_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertEquals(Map.of("--cloud-token", "s3cr3t-value"), store.loadSecrets("m1"));
        store.saveSecrets("m1", Map.of());
        assertFalse(Files.exists(secrets));
    }

    @Test
    void refusesANewerFormatAndNamesTheFixForBrokenOnes() throws Exception {
        MachineStore store = store();
        Path file = store.machineDir("m1").resolve("machine.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"ConfigVersion\": 99, \"Name\": \"m1\"}");
        var newer = assertThrows(StoreException.class, () -> store.load("m1"));
        assertTrue(newer.getMessage().contains("upgrade jmachine"), newer.getMessage());

        Files.writeString(file, "{not json");
        var broken = assertThrows(StoreException.class, () -> store.load("m1"));
        assertTrue(broken.getMessage().contains("jmachine rm -f m1"), broken.getMessage());

        Files.delete(file);
        assertTrue(store.exists("m1"), "a folder without machine.json is still a machine, so that rm can clean it");
        var missing = assertThrows(StoreException.class, () -> store.load("m1"));
        assertTrue(missing.getMessage().contains("rm -f m1"), missing.getMessage());
        store.remove("m1");
        assertFalse(store.exists("m1"));
        var gone = assertThrows(StoreException.class, () -> store.load("m1"));
        assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
    }

    @Test
    void machineNamesAreCheckedBeforeTheyBecomePaths() {
        assertThrows(IllegalArgumentException.class, () -> store().machineDir("../etc"));
        assertThrows(IllegalArgumentException.class, () -> store().machineDir("-x"));
        assertThrows(IllegalArgumentException.class, () -> store().machineDir(""));
        assertEquals("dev-1.local", store().machineDir("dev-1.local").getFileName().toString());
    }

    @Test
    void engineOptionsRefuseEntriesWithoutKeyOrRelativeFolders() {
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions(List.of("novalue"), null, null, null, null, true, null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions(null, List.of("=x"), null, null, null, true, null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions(null, null, null, null, null, true, "opt/x", null));
    }
}
