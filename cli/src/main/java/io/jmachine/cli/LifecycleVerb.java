package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * What start, stop, restart and kill share: one or more machine names (default: "default"), each acted on in
 * parallel, each reported by name. A verb says only what it does to one machine and how to report it.
 */
abstract class LifecycleVerb implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The machines (default: default).")
    List<String> names = List.of();

    /** Acts on one machine. */
    abstract void apply(Machines machines, Machine machine) throws Exception;

    /** The word reported once a machine is done, e.g. "started". */
    abstract String done();

    @Override
    public Integer call() {
        Machines machines = root.machines();
        return ForEachMachine.run(names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names, root.output(), name -> {
            apply(machines, machines.load(name));
            root.progress(name).report(done());
        });
    }
}
