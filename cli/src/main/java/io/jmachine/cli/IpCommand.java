package io.jmachine.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;

/** `jmachine ip NAME…`: each machine's address. */
@Command(name = "ip", description = "Print the IP address of machines.")
final class IpCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The machines (default: default).")
    List<String> names = List.of();

    @Override
    public Integer call() {
        List<String> machines = names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names;
        int status = 0;
        for (String name : machines) {
            try {
                io.jmachine.provisioner.Machine machine = root.machines().load(name);
                spec.commandLine().getOut().println(machine.driver().ipAddress());
                // the address is asked for to reach the machine's ports: their forwards need the agent
                root.ensureForwardAgent(machine);
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("jmachine: " + name + ": " + e.getMessage());
                status = 1;
            }
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return status;
    }
}
