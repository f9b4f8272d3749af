package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigChangesTest {

    @Test
    void dockerfileInstructionsSetTheConfig() {
        ImageConfig.RunConfig config = ConfigChanges.apply(ImageConfig.RunConfig.EMPTY, List.of(
                "CMD [\"sh\", \"-c\", \"echo hi\"]",
                "ENV A=1 B=\"two words\"",
                "ENV C three words",
                "EXPOSE 80 53/udp",
                "LABEL org.example.team=core \"quoted key\"=yes",
                "USER 65534",
                "WORKDIR /srv",
                "WORKDIR app",
                "VOLUME [\"/data\"]",
                "STOPSIGNAL SIGINT"));
        assertEquals(List.of("sh", "-c", "echo hi"), config.cmd());
        assertEquals(List.of("A=1", "B=two words", "C=three words"), config.env());
        assertEquals(Map.of("80/tcp", Map.of(), "53/udp", Map.of()), config.exposedPorts());
        assertEquals(Map.of("org.example.team", "core", "quoted key", "yes"), config.labels());
        assertEquals("65534", config.user());
        assertEquals("/srv/app", config.workingDir());
        assertEquals(Map.of("/data", Map.of()), config.volumes());
        assertEquals("SIGINT", config.stopSignal());
    }

    @Test
    void shellFormRunsThroughShAndEntrypointClearsAnInheritedCmd() {
        ImageConfig.RunConfig base = ConfigChanges.apply(ImageConfig.RunConfig.EMPTY, List.of("CMD echo base", "ENV A=1"));
        assertEquals(List.of("/bin/sh", "-c", "echo base"), base.cmd());
        ImageConfig.RunConfig child = ConfigChanges.apply(base, List.of("ENTRYPOINT [\"/bin/app\"]", "ENV A=2"));
        assertEquals(List.of("/bin/app"), child.entrypoint());
        assertNull(child.cmd());
        assertEquals(List.of("A=2"), child.env());
    }

    @Test
    void unknownInstructionsAreA400() {
        EngineException e = assertThrows(EngineException.class, () -> ConfigChanges.apply(ImageConfig.RunConfig.EMPTY, List.of("RUN rm -rf /")));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertEquals("RUN is not a valid change command", e.getMessage());
    }
}
