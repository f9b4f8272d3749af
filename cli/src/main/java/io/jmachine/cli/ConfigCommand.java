package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * `jmachine config NAME`: the docker CLI's flags for the machine, one a line and unquoted, so that
 * {@code docker $(jmachine config dev1) ps} works (the shell splits them; quotes would reach docker).
 */
@Command(name = "config", description = "Print the docker CLI flags that reach a machine's engine: docker $(jmachine config NAME) ps")
final class ConfigCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", defaultValue = JMachine.DEFAULT_MACHINE, description = "The machine (default: default).")
    String name;

    @Override
    public void run() {
        Machine machine = root.machines().load(name);
        EnvCommand.checkCertificates(machine);
        PrintWriter out = spec.commandLine().getOut();
        out.println("--tlsverify");
        out.println("--tlscacert=" + machine.certPath().resolve("ca.pem"));
        out.println("--tlscert=" + machine.certPath().resolve("cert.pem"));
        out.println("--tlskey=" + machine.certPath().resolve("key.pem"));
        out.println("-H=" + machine.driver().engineUrl());
        out.flush();
    }
}
