package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** main builds the model of the verb it runs alone: the verb found must be the one picocli would run. */
class SoleVerbTest {

    @Test
    void eachVerbIsRegisteredUnderItsOwnCommandName() {
        JMachine.VERBS.forEach((name, verb) -> assertEquals(name, verb.getAnnotation(CommandLine.Command.class).name(), verb.getName()));
    }

    @Test
    void theVerbIsTheFirstWordThatIsNeitherAnOptionNorTheStorePath() {
        assertEquals(Optional.of("ls"), JMachine.soleVerb(new String[] {"ls"}));
        assertEquals(Optional.of("env"), JMachine.soleVerb(new String[] {"-s", "/tmp/store", "-D", "env", "dev1"}));
        assertEquals(Optional.of("ls"), JMachine.soleVerb(new String[] {"--storage-path", "ls", "ls", "-q"}));
        assertEquals(Optional.of("inspect"), JMachine.soleVerb(new String[] {"--storage-path=/x", "inspect", "-f", "ls"}));
    }

    @Test
    void helpCompletionAnUnknownWordOrNoVerbNeedEveryVerb() {
        for (String[] args : new String[][] {{}, {"-D"}, {"help", "ls"}, {"completion", "bash"}, {"lss"}, {"--help"}, {"--", "ls"}}) {
            assertEquals(Optional.empty(), JMachine.soleVerb(args), String.join(" ", args));
        }
    }

    @Test
    void aRunOfOneVerbBuildsThatVerbAloneAndRunsIt() {
        String[] args = {"-s", "/tmp/jmachine-sole-verb-test", "env", "-u", "--shell", "bash"};
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), Map.of(), false, args);
        assertEquals(Set.of("env"), commandLine.getSubcommands().keySet());
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute(args));
        assertTrue(out.toString().contains("unset DOCKER_HOST"), out.toString());
    }

    @Test
    void anUnknownVerbStillGetsASuggestion() {
        String[] args = {"lss"};
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), Map.of(), false, args);
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute(args));
        assertTrue(err.toString().contains("ls"), err.toString());
    }
}
