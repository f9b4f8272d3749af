package io.jmachine.provisioner.install;

import io.jmachine.provisioner.store.EngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineSettingsTest {

    private static EngineOptions options(List<String> flags) {
        return new EngineOptions(flags, List.of("HTTP_PROXY=http://p:3128"), List.of("r.local:5000"), List.of("env=dev"),
                List.of("https://mirror.local"), true, "/srv/jm/opt", "/srv/jm/etc");
    }

    @Test
    void defaultsListenOnTcpAndTheDefaultSocketWithTheProviderLabel() {
        EngineSettings settings = EngineSettings.of(options(List.of()), "generic", 2376);
        Map<String, Object> model = settings.configModel();
        assertEquals(List.of("tcp://0.0.0.0:2376", EngineSettings.DEFAULT_SOCKET), model.get("hosts"));
        assertEquals(List.of("env=dev", "provider=generic"), model.get("labels"));
        assertEquals(List.of("r.local:5000"), model.get("insecureRegistries"));
        assertEquals(List.of("https://mirror.local"), model.get("registryMirrors"));
        assertEquals("/srv/jm/etc/server-key.pem", model.get("tlsKey"));
        assertEquals(EngineSettings.DEFAULT_DATA_ROOT, settings.layout().dataRoot());
        assertEquals(EngineSettings.DEFAULT_EXEC_ROOT + "/jmachine-engine.pid", settings.layout().pidfile());
        assertEquals("/srv/jm/opt/bin/jmachine-engine", settings.layout().binary());
        assertEquals(List.of("HTTP_PROXY=http://p:3128"), settings.environment());
    }

    @Test
    void engineOptsSetConfigKeysRootsAndReplaceTheDefaultSocket() {
        EngineSettings settings = EngineSettings.of(options(List.of("data-root=/tmp/d", "exec-root=/tmp/e", "hosts=unix:///tmp/e.sock",
                "bridge=jmm0", "--bip=10.213.0.1/24", "labels=extra=1")), "generic", 42376);
        Map<String, Object> model = settings.configModel();
        assertEquals(List.of("tcp://0.0.0.0:42376", "unix:///tmp/e.sock"), model.get("hosts"));
        assertEquals("/tmp/d", settings.layout().dataRoot());
        assertEquals("/tmp/e/jmachine-engine.pid", settings.layout().pidfile());
        assertEquals("/tmp/e/jmachine-engine.log", settings.layout().logFile());
        assertEquals(Map.of("bridge", "jmm0", "bip", "10.213.0.1/24"), model.get("options"));
        assertTrue(((List<?>) model.get("labels")).contains("extra=1"));
    }

    @Test
    void refusesTlsKeysAndRepeatedSingleKeys() {
        var tls = assertThrows(IllegalArgumentException.class, () -> EngineSettings.of(options(List.of("tlskey=/x")), "generic", 1));
        assertTrue(tls.getMessage().contains("TLS"), tls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.of(options(List.of("bridge=a", "bridge=b")), "generic", 1));
    }
}
