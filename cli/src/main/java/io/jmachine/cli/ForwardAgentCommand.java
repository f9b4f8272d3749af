package io.jmachine.cli;

import io.jmachine.drivers.PortForwarding;
import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import io.jmachine.provisioner.engine.EngineClient;
import io.jmachine.provisioner.forward.ForwardAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `jmachine forward-agent NAME` (hidden): the process that keeps a machine's forwards in step with its containers,
 * started by jmachine itself ({@link ForwardAgents}); one per machine, held by a lock on its forward-agent.lock.
 */
@Command(name = ForwardAgents.VERB, hidden = true, description = "Keep a machine's forwards those of its containers (started by jmachine).")
final class ForwardAgentCommand implements Callable<Integer> {

    private static final Duration TICK = Duration.ofSeconds(5);
    private static final Duration IDLE_LIMIT = Duration.ofMinutes(2);

    @ParentCommand
    JMachine root;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        Machines machines = root.machines();
        Machine machine = machines.load(name);
        PortForwarding forwarding = machine.driver().portForwarding().orElse(null);
        if (forwarding == null) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(ForwardAgents.lockFile(machine), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return 0; // another agent keeps this machine
            }
            Files.writeString(ForwardAgents.pidFile(machine), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            EngineClient engine = machines.engineClient(machine);
            new ForwardAgent(forwarding, new ForwardAgent.Engine() {
                @Override
                public List<PortForwarding.Published> publishedPorts() throws IOException, InterruptedException {
                    return engine.publishedPorts(Duration.ofSeconds(10));
                }

                @Override
                public void follow(Runnable onConnected, Runnable onEvent) throws IOException, InterruptedException {
                    engine.followContainerEvents(Duration.ofSeconds(10), onConnected, onEvent);
                }
            }, () -> machines.store().exists(name) && Files.isDirectory(machine.context().machineDir()), TICK, IDLE_LIMIT).run();
            Files.deleteIfExists(ForwardAgents.pidFile(machine));
        } catch (java.nio.file.NoSuchFileException gone) {
            // the machine was removed under the agent
        }
        return 0;
    }
}
