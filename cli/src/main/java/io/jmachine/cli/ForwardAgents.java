package io.jmachine.cli;

import io.jmachine.provisioner.Machine;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops the forward agent of machines that need one ({@link ForwardAgentCommand}): a detached process (its own
 * session, so that it outlives the terminal as the VM does) that create, start, restart, env, ip and inspect start
 * again when they find it gone; rm stops it.
 */
final class ForwardAgents {

    static final String VERB = "forward-agent";

    private ForwardAgents() {
    }

    static Path lockFile(Machine machine) {
        return machine.context().machineDir().resolve("forward-agent.lock");
    }

    static Path pidFile(Machine machine) {
        return machine.context().machineDir().resolve("forward-agent.pid");
    }

    /** Starts the machine's agent unless it runs or the machine needs none; never fails the verb that calls it. */
    static void ensure(Machine machine, Path storePath, boolean debug) {
        if (machine.driver().portForwarding().isEmpty() || running(machine)) {
            return;
        }
        try {
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new ArrayList<>();
            Optional<Path> setsid = Optional.ofNullable(SshCommand.findOnPath("setsid"));
            setsid.ifPresent(s -> command.add(s.toString()));
            command.addAll(List.of(java, "-Xmx48m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), JMachine.class.getName(),
                    "-s", storePath.toString(), VERB, machine.name()));
            Path log = machine.context().machineDir().resolve("forward-agent.log");
            new ProcessBuilder(command)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException | RuntimeException e) {
            if (debug) {
                System.err.println("jmachine: cannot start the forward agent of " + machine.name() + ": " + e.getMessage());
            }
        }
    }

    /** Whether an agent holds the machine's lock. */
    static boolean running(Machine machine) {
        Path lock = lockFile(machine);
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = channel.tryLock()) {
            return held == null;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    /** Stops the machine's agent, if one runs (before rm, so that it does not outlive its machine by a tick). */
    static void stop(Machine machine) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(machine), StandardCharsets.US_ASCII).strip());
            ProcessHandle.of(pid).filter(p -> p.info().commandLine().map(c -> c.contains(VERB)).orElse(false))
                    .ifPresent(ProcessHandle::destroy);
        } catch (IOException | NumberFormatException e) {
            // no agent
        }
    }
}
