package io.jmachine.cli;

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

/** `jmachine provision NAME…`: runs the install flow again (after editing engine options, or when the engine broke). */
@Command(name = "provision", description = "Install and configure the engine on existing machines again.")
final class ProvisionCommand implements Callable<Integer> {

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
        return ForEachMachine.run(names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names, root.output(),
                name -> machines.provision(machines.load(name), engineBundle, false, root.progress(name)));
    }
}
