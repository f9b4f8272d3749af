package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;

/**
 * `jmachine use NAME`: the machine's docker context becomes the docker CLI's current one (`currentContext` in its
 * config.json), so that plain `docker` reaches the machine in every shell; `use --unset` (or `use default`) goes back.
 */
@Command(name = "use", description = {"Make a machine's docker context the docker CLI's current context.",
        "jmachine use --unset (or: use default) goes back to docker's default."})
final class UseCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--unset"}, description = "Go back to docker's default context.")
    boolean unset;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The machine (\"default\": docker's default context).")
    String name;

    @Override
    public void run() {
        if (unset == (name != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a machine's name, or --unset");
        }
        Machines machines = root.machines();
        PrintWriter out = spec.commandLine().getOut();
        if (unset || JMachine.DEFAULT_MACHINE.equals(name)) {
            machines.contexts().unset();
            out.println("Current context is now default");
            out.flush();
            return;
        }
        Machine machine = machines.load(name);
        machines.use(machine, root.progress(name));
        out.println("Current context is now " + name);
        out.flush();
        warnIfOverridden(root.environment(), spec.commandLine().getErr(), name);
    }

    /** As `docker context use`: DOCKER_HOST, and DOCKER_CONTEXT, win over the current context. */
    static void warnIfOverridden(Map<String, String> environment, PrintWriter err, String name) {
        for (String variable : new String[] {"DOCKER_HOST", "DOCKER_CONTEXT"}) {
            String value = environment.getOrDefault(variable, "");
            if (!value.isBlank() && !value.equals(name)) {
                err.println("jmachine: warning: " + variable + "=" + value + " overrides the current context: unset it for plain docker "
                        + "to reach " + name + (variable.equals("DOCKER_HOST") ? " (eval $(jmachine env -u))" : "")
                        + ", or give docker --context " + name);
            }
        }
        err.flush();
    }
}
