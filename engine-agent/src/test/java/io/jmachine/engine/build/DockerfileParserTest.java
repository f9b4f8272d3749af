package io.jmachine.engine.build;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerfileParserTest {

    @Test
    void continuationsJoinLinesAndSkipCommentsInside() {
        Dockerfile file = DockerfileParser.parse("""
                # a comment
                FROM base
                RUN echo a \\
                # dropped inside the continuation
                  && echo b \\

                  && echo c
                """);
        Instruction run = file.stages().getFirst().instructions().getFirst();
        assertEquals("RUN", run.keyword());
        assertEquals("echo a   && echo b   && echo c", run.args());
        assertEquals(3, run.line());
    }

    @Test
    void escapeDirectiveMakesBacktickTheContinuation() {
        Dockerfile file = DockerfileParser.parse("# escape=`\nFROM base\nRUN dir c:\\ `\n  /b\n");
        assertEquals('`', file.escape());
        assertEquals("dir c:\\   /b", file.stages().getFirst().instructions().getFirst().args());
    }

    @Test
    void aDirectiveAfterAnInstructionIsAComment() {
        Dockerfile file = DockerfileParser.parse("FROM base\n# escape=`\nRUN a \\\n b\n");
        assertEquals('\\', file.escape());
        assertEquals("a  b", file.stages().getFirst().instructions().getFirst().args());
    }

    @Test
    void jsonFormAndShellForm() {
        Dockerfile file = DockerfileParser.parse("FROM base\nCMD [\"echo\", \"hi\"]\nCMD echo hi\nCMD [not json\n");
        List<Instruction> instructions = file.stages().getFirst().instructions();
        assertEquals(List.of("echo", "hi"), instructions.get(0).json());
        assertNull(instructions.get(1).json());
        assertNull(instructions.get(2).json(), "text that is not a JSON array is the shell form");
        assertEquals("[not json", instructions.get(2).args());
    }

    @Test
    void flagsSplitOff() {
        Instruction copy = DockerfileParser.parseInstruction("COPY --from=build --chown=1:2 /a /b", 1);
        assertEquals(Map.of("from", "build", "chown", "1:2"), copy.flags());
        assertEquals("/a /b", copy.args());
        assertEquals("COPY --from=build --chown=1:2 /a /b", copy.original());
    }

    @Test
    void stagesMetaArgsAndTargets() {
        Dockerfile file = DockerfileParser.parse("ARG V=1\nFROM a:${V} AS First\nRUN x\nfrom first\nrun y\n");
        assertEquals(1, file.metaArgs().size());
        assertEquals(2, file.stages().size());
        assertEquals("first", file.stages().get(0).name());
        assertEquals("RUN", file.stages().get(1).instructions().getFirst().keyword(), "keywords are case-insensitive");
        assertEquals(1, file.stagesUpTo("FIRST").size());
        assertThrows(BuildException.class, () -> file.stagesUpTo("nope"));
    }

    @Test
    void onbuildKeepsItsTriggerWhole() {
        Instruction onbuild = DockerfileParser.parseInstruction("ONBUILD RUN --x echo hi", 4);
        assertEquals("RUN --x echo hi", onbuild.args());
        assertTrue(onbuild.flags().isEmpty());
        Instruction trigger = DockerfileParser.parseInstruction(onbuild.args(), 4);
        assertEquals("RUN", trigger.keyword());
    }

    @Test
    void refusesWhatDockerRefuses() {
        assertThrows(BuildException.class, () -> DockerfileParser.parse("RUN x\n"));
        assertThrows(BuildException.class, () -> DockerfileParser.parse("# just a comment\n"));
        BuildException unknown = assertThrows(BuildException.class, () -> DockerfileParser.parse("FROM a\nFOO bar\n"));
        assertTrue(unknown.getMessage().contains("unknown instruction: FOO"), unknown.getMessage());
    }
}
