package io.jmachine.cli;

import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * `jmachine rm [-f] [-y] NAME…`: removes machines, in parallel. A machine whose stored state is broken can
 * always be removed; with -f, failures on the host are reported and the machine is removed anyway.
 */
@Command(name = "rm", description = "Remove machines: the host the driver made, or the engine on an adopted host, then the machine's files.")
final class RmCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--force"}, description = "Remove the machine even when its host cannot be reached or removed (implies -y).")
    boolean force;

    @Option(names = {"-y"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "The machines.")
    List<String> names;

    @Override
    public Integer call() throws IOException {
        if (!force && !yes && !confirmed()) {
            spec.commandLine().getErr().println("jmachine: nothing removed");
            spec.commandLine().getErr().flush();
            return 1;
        }
        Machines machines = root.machines();
        return ForEachMachine.run(names, root.output(), name -> {
            try {
                ForwardAgents.stop(machines.load(name));
            } catch (RuntimeException e) {
                // a machine that cannot be loaded has no agent; the removal below says what is wrong
            }
            machines.remove(name, force, root.progress(name));
            spec.commandLine().getOut().println("Removed " + name);
            spec.commandLine().getOut().flush();
        });
    }

    private boolean confirmed() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.println("About to remove " + String.join(", ", names));
        out.println("WARNING: this deletes the machines' files here, and the hosts their drivers made.");
        out.print("Are you sure? (y/n): ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
    }
}
