package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContainerCreationTest {

    private static ContainerConfig request(List<String> cmd, List<String> entrypoint, List<String> env) {
        return new ContainerConfig(null, null, null, false, true, true, null, false, false, false, env, cmd, null,
                "localhost/acc/busybox:1", null, null, entrypoint, false, null, Map.of("req", "1"), null, null, null);
    }

    private static final ImageAccess.ImageDefaults IMAGE = new ImageAccess.ImageDefaults(
            List.of("PATH=/bin", "LANG=C"), List.of("sh"), null, "/srv", "app", Map.of("img", "1", "req", "0"), "SIGQUIT",
            Map.of("80/tcp", Map.of()), null, null);

    @Test
    void theImageFillsWhatTheRequestLeavesOpen() {
        ContainerConfig merged = ContainerCreation.merge(request(null, null, List.of("LANG=fr", "X=1")), IMAGE, "abcdef123456");
        assertEquals(List.of("sh"), merged.cmd());
        assertEquals("/srv", merged.workingDir());
        assertEquals("app", merged.user());
        assertEquals("abcdef123456", merged.hostname());
        assertEquals("SIGQUIT", merged.stopSignal());
        assertEquals(List.of("PATH=/bin", "LANG=fr", "X=1"), merged.env());
        assertEquals(Map.of("img", "1", "req", "1"), merged.labels());
        assertEquals(Map.of("80/tcp", Map.of()), merged.exposedPorts());
    }

    @Test
    void aRequestedCommandReplacesTheImagesAndAnEmptyEntrypointResetsIt() {
        ImageAccess.ImageDefaults withEntrypoint = new ImageAccess.ImageDefaults(List.of(), List.of("--help"), List.of("/app"),
                null, null, Map.of(), null, null, null, null);
        assertEquals(List.of("echo", "hi"), ContainerCreation.merge(request(List.of("echo", "hi"), null, List.of()), IMAGE, "h").cmd());
        ContainerConfig reset = ContainerCreation.merge(request(List.of("sh"), List.of(""), List.of()), withEntrypoint, "h");
        assertEquals(List.of(), reset.entrypoint());
        assertEquals(List.of("sh"), reset.cmd());
        ContainerConfig fromImage = ContainerCreation.merge(request(null, null, List.of()), withEntrypoint, "h");
        assertEquals(List.of("/app", "--help"), ContainerCreation.commandLine(fromImage));
    }

    @Test
    void aContainerWithoutAnyCommandIsRefused() {
        ImageAccess.ImageDefaults bare = new ImageAccess.ImageDefaults(null, null, null, null, null, null, null, null, null, null);
        EngineException e = assertThrows(EngineException.class, () -> ContainerCreation.merge(request(null, null, List.of()), bare, "h"));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertEquals("no command specified", e.getMessage());
    }

    @Test
    void aDefaultPathIsAddedWhenNeitherSideHasOne() {
        assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1"),
                ContainerCreation.mergeEnv(List.of(), List.of("A=1")));
    }
}
