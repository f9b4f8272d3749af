package io.jmachine.cli;

import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** `jmachine start NAME…`: Start machines. Several machines go in parallel. */
@Command(name = "start", description = "Start machines.")
final class StartCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The machines (default: default).")
    List<String> names = List.of();

    @Override
    public Integer call() {
        Machines machines = root.machines();
        return ForEachMachine.run(names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names, spec.commandLine().getErr(), name -> {
            machines.start(machines.load(name));
            root.progress(name).report("started");
        });
    }
}
