package io.jmachine.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineMainTest {

    @Test
    void aConfigFileGivenAloneIsStartedWithoutTheCommandLineModel() {
        assertEquals(Optional.of(Path.of("/etc/jmachine-engine/config.json")),
                EngineMain.configFileAlone(new String[] {"--config-file", "/etc/jmachine-engine/config.json"}));
        assertEquals(Optional.of(Path.of("/etc/e.json")), EngineMain.configFileAlone(new String[] {"--config-file=/etc/e.json"}));
    }

    @Test
    void anyOtherCommandLineGoesThroughPicocli() {
        for (String[] args : new String[][] {
                {}, {"--version"}, {"--config-file"}, {"--config-file="}, {"--config-file", "--help"}, {"--config-file", ""},
                {"--config-file", "/c.json", "--debug"}, {"-H", "unix:///x.sock"}, {"--config-filex", "/c.json"}}) {
            assertEquals(Optional.empty(), EngineMain.configFileAlone(args), String.join(" ", args));
        }
    }

    @Test
    void aBadConfigFileStartedSoIsALineAndStatusOneAsThroughPicocli(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"no-such-setting\": true}");
        String direct = stderrOf(() -> assertEquals(1, EngineMain.startFromConfigFile(config)));
        String picocli = stderrOf(() -> assertEquals(1, EngineMain.commandLine().execute("--config-file", config.toString(), "--bip", "10.0.0.0/24")));
        assertTrue(direct.startsWith("jmachine-engine: unknown setting \"no-such-setting\""), direct);
        assertTrue(picocli.startsWith("jmachine-engine: unknown setting \"no-such-setting\""), picocli);
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
