package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.drivers.PortForwarding;
import io.jmachine.provisioner.Machine;
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
        if (config instanceof ObjectNode object) {
            forwards(object);
        }
        if (format == null || format.equals("json")) {
            spec.commandLine().getOut().println(config.toPrettyString());
        } else {
            spec.commandLine().getOut().println(GoTemplate.parse(format).render(config));
        }
        spec.commandLine().getOut().flush();
    }

    /** "Forwards": how containers' published ports reach the machine's address, and each forward's state. */
    private void forwards(ObjectNode config) {
        Machine machine;
        try {
            machine = root.machines().load(name);
        } catch (RuntimeException e) {
            return; // a machine that cannot be loaded shows as stored
        }
        ObjectNode forwards = config.putObject("Forwards");
        PortForwarding forwarding = machine.driver().portForwarding().orElse(null);
        if (forwarding == null) {
            String address;
            try {
                address = machine.driver().ipAddress();
            } catch (RuntimeException e) {
                address = "its address";
            }
            forwards.put("Note", "none needed: published ports answer at " + address + " itself");
            forwards.putArray("Ports");
            return;
        }
        root.ensureForwardAgent(machine);
        forwards.put("Note", "published ports are forwarded from the host by jmachine's forward agent (QEMU user-mode networking)");
        forwards.put("Agent", ForwardAgents.running(machine) ? "running" : "starting");
        var ports = forwards.putArray("Ports");
        for (PortForwarding.Forward f : forwarding.recorded()) {
            ObjectNode port = ports.addObject();
            port.put("Proto", f.proto());
            port.put("HostIp", f.hostIp());
            port.put("HostPort", f.hostPort());
            port.put("GuestPort", f.guestPort());
            port.put("State", f.error() == null ? "forwarded" : "failed");
            if (f.error() != null) {
                port.put("Error", f.error());
            }
        }
    }
}
