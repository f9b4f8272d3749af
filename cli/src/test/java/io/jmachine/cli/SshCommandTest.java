package io.jmachine.cli;

import io.jmachine.drivers.SshEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SshCommandTest {

    private static List<String> args(SshCommand ssh, String... words) {
        ssh.command = new ArrayList<>(List.of(words));
        ssh.takeSshOptionsAfterName();
        return ssh.sshArgs(Path.of("/usr/bin/ssh"), new SshEndpoint("127.0.0.1", 40022, "docker", Path.of("/m/id_machine")), Path.of("/m/known_hosts"));
    }

    @Test
    void agentAndPortForwardsAfterTheNameGoToOpenSshAndTheRestIsTheCommand() {
        List<String> args = args(new SshCommand(), "-A", "-L", "8080:localhost:80", "-R9000:localhost:9000", "uname", "-a");
        String line = String.join(" ", args);
        assertTrue(line.contains(" -A "), line);
        assertTrue(line.contains(" -L 8080:localhost:80 "), line);
        assertTrue(line.contains(" -R 9000:localhost:9000 "), line);
        assertEquals(List.of("docker@127.0.0.1", "uname", "-a"), args.subList(args.size() - 3, args.size()));
    }

    @Test
    void optionsGivenBeforeTheNameWorkTooAndNRunsNoCommand() {
        SshCommand ssh = new SshCommand();
        ssh.forwardAgent = true;
        ssh.localForwards.add("5432:localhost:5432");
        List<String> args = args(ssh, "-N");
        assertTrue(args.contains("-A") && args.contains("5432:localhost:5432") && args.contains("-N"), args.toString());
        assertEquals("docker@127.0.0.1", args.get(args.size() - 1));
    }

    @Test
    void aCommandStartingWithADashAfterTheFirstWordIsLeftAlone() {
        List<String> args = args(new SshCommand(), "ls", "-L");
        assertEquals(List.of("docker@127.0.0.1", "ls", "-L"), args.subList(args.size() - 3, args.size()));
    }
}
