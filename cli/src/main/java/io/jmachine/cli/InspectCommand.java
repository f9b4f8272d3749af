package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.cli.format.GoTemplate;
import io.jmachine.provisioner.store.MachineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `jmachine inspect [-f TEMPLATE] NAME`: the machine as stored (machine.json), as JSON or through a Go template. */
@Command(name = "inspect", description = "Show a machine's details: JSON, or a Go template of them ({{.Driver.IPAddress}}).")
final class InspectCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", description = "'json' (the default: the stored object), or a Go template, "
            + "e.g. '{{.DriverName}}' or '{{json .Driver}}'.")
    String format;

    @Parameters(paramLabel = "NAME", arity = "0..1", defaultValue = JMachine.DEFAULT_MACHINE, description = "The machine (default: default).")
    String name;

    @Override
    public void run() {
        JsonNode config = MachineStore.JSON.valueToTree(root.machines().store().load(name));
        if (format == null || format.equals("json")) {
            spec.commandLine().getOut().println(config.toPrettyString());
        } else {
            spec.commandLine().getOut().println(GoTemplate.parse(format).render(config));
        }
        spec.commandLine().getOut().flush();
    }
}
