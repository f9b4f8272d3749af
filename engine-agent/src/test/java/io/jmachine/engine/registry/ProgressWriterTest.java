package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lines must be the ones dockerd writes, byte for byte where the CLI parses them. */
class ProgressWriterTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();
    private final ProgressWriter progress = new ProgressWriter(line -> lines.add(json.writeValueAsString(line)));

    @Test
    void statusLayerErrorAndAuxLinesHaveDockersShape() throws Exception {
        progress.status("1", "Pulling from acc/busybox");
        progress.status("af1eb8316278", "Pull complete");
        progress.status("Digest: sha256:x");
        progress.error("manifest unknown");
        progress.aux(Map.of("Tag", "1"));
        assertEquals(List.of(
                "{\"status\":\"Pulling from acc/busybox\",\"progressDetail\":{},\"id\":\"1\"}",
                "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"af1eb8316278\"}",
                "{\"status\":\"Digest: sha256:x\"}",
                "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}",
                "{\"progressDetail\":{},\"aux\":{\"Tag\":\"1\"}}"), lines);
    }

    @Test
    void byteCountsAreThrottledButTheLastAlwaysGoesOut() throws Exception {
        for (long done = 1; done <= 1000; done++) {
            progress.progress("l1", "Downloading", done, 1000);
        }
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1000,\"total\":1000},\"progress\":\"["
                + "=".repeat(50) + ">]      1kB/1kB\",\"id\":\"l1\"}", lines.getLast());
    }

    @Test
    void sizesAndBarsAsGoPrintsThem() {
        assertEquals("36.45kB", ProgressWriter.humanSize(36445));
        assertEquals("1.084MB", ProgressWriter.humanSize(1084026));
        assertEquals("512B", ProgressWriter.humanSize(512));
        assertEquals("[=>" + " ".repeat(49) + "]  36.45kB/1.084MB", ProgressWriter.bar(36445, 1084026));
    }
}
