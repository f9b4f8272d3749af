package io.jmachine.cli;

import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** `jmachine stop NAME…`: Stop machines (a clean shutdown). Several machines go in parallel. */
@Command(name = "stop", description = "Stop machines (a clean shutdown).")
final class StopCommand implements Callable<Integer> {

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
            machines.stop(machines.load(name));
            root.progress(name).report("stopped");
        });
    }
}
