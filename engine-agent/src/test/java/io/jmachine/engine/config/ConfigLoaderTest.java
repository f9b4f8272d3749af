package io.jmachine.engine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void noFlagsMeansDockerdLikeDefaults() {
        EngineConfig config = ConfigLoader.load(Map.of(), null);
        assertEquals(List.of(new HostAddress.Unix(Path.of("/run/jmachine-engine.sock"))), config.hosts());
        assertEquals(Path.of("/var/lib/jmachine-engine"), config.dataRoot());
        assertEquals(Path.of("/run/jmachine-engine"), config.execRoot());
        assertEquals(Path.of("/run/jmachine-engine/jmachine-engine.pid"), config.pidfile());
        assertEquals("info", config.logLevel());
        assertFalse(config.tlsVerify());
    }

    @Test
    void thePidfileFollowsTheExecRoot() {
        EngineConfig config = ConfigLoader.load(Map.of("exec-root", "/tmp/x/exec"), null);
        assertEquals(Path.of("/tmp/x/exec/jmachine-engine.pid"), config.pidfile());
    }

    @Test
    void flagsAndFileCombine() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"hosts": ["unix:///tmp/a.sock", "tcp://127.0.0.1:2376"], "tlsverify": true,
                 "tlscacert": "/c/ca.pem", "tlscert": "/c/cert.pem", "tlskey": "/c/key.pem", "labels": ["a=b"]}
                """);
        EngineConfig config = ConfigLoader.load(Map.of("data-root", "/tmp/data", "log-level", "DEBUG"), file);
        assertEquals(List.of(new HostAddress.Unix(Path.of("/tmp/a.sock")), new HostAddress.Tcp("127.0.0.1", 2376)), config.hosts());
        assertEquals(Path.of("/tmp/data"), config.dataRoot());
        assertEquals("debug", config.logLevel());
        assertEquals(List.of("a=b"), config.labels());
        assertTrue(config.tlsVerify());
    }

    @Test
    void aSettingInBothPlacesIsRefusedNamingBoth() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"data-root\": \"/from/file\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("data-root", "/from/flag"), file));
        assertTrue(e.getMessage().contains("data-root (from flag: /from/flag, from file: /from/file)"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKnownOnes() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"data_root\": \"/x\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), file));
        assertTrue(e.getMessage().startsWith("unknown setting \"data_root\""), e.getMessage());
        assertTrue(e.getMessage().contains("data-root"), e.getMessage());
    }

    @Test
    void aWrongTypeNamesTheKey() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"tlsverify\": {\"yes\": 1}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), file));
        assertTrue(e.getMessage().contains("\"tlsverify\""), e.getMessage());
    }

    @Test
    void malformedJsonAndMissingFilesSaySo() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"hosts\": [");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), file)).getMessage().contains("is not a JSON object"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), dir.resolve("none.json")))
                .getMessage().contains("does not exist"));
    }

    @Test
    void tcpWithoutTlsIsRefusedUnlessExplicitlyAllowed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("hosts", List.of("tcp://0.0.0.0:2375")), null));
        assertTrue(e.getMessage().contains("--allow-insecure-tcp"), e.getMessage());
        EngineConfig allowed = ConfigLoader.load(Map.of("hosts", List.of("tcp://127.0.0.1:2375"), "allow-insecure-tcp", true), null);
        assertTrue(allowed.listensOnTcp());
    }

    @Test
    void tlsVerifyNeedsAllThreeFiles() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("tlsverify", true, "tlscacert", "/ca.pem"), null));
        assertTrue(e.getMessage().contains("--tlscert"), e.getMessage());
    }

    @Test
    void relativePathsAndBadLogLevelsAreRefused() {
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("data-root", "relative/dir"), null));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("log-level", "chatty"), null));
    }
}
