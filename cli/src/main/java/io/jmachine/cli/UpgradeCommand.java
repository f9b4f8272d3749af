package io.jmachine.cli;

import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `jmachine upgrade NAME…`: sends this jmachine's engine bundle to the machines and restarts their engines. */
@Command(name = "upgrade", description = "Install this jmachine's engine on machines (starting them if needed), and restart it.")
final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = "--engine-bundle", paramLabel = "FILE", description = "The engine bundle (env: " + EngineBundle.ENV + ").")
    Path bundle;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The machines (default: default).")
    List<String> names = List.of();

    @Override
    public Integer call() {
        Machines machines = root.machines();
        Path engineBundle = EngineBundle.locate(bundle, root.environment());
        return ForEachMachine.run(names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names, root.output(), name -> {
            Machine machine = machines.load(name);
            if (machine.driver().state() != MachineState.RUNNING) {
                root.progress(name).report("starting it first");
                machines.start(machine, false, root.progress(name));
                machine = machines.load(name);
            }
            machines.provision(machine, engineBundle, true, root.progress(name));
        });
    }
}
