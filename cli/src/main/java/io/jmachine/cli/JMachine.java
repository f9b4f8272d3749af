package io.jmachine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** The jmachine command: create and manage container hosts. Each verb is its own class. */
@Command(name = "jmachine",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Create and manage container hosts: VMs and hosts that run jmachine-engine, driven with the docker CLI.",
        subcommands = {VersionCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error."})
public final class JMachine implements Runnable {

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    /** Without a verb: show what there is, and count it as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new JMachine());
        commandLine.setExecutionExceptionHandler(JMachine::reportFailure);
        return commandLine;
    }

    /** A failure prints one line that says what failed; -D adds the stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("jmachine: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (parseResult.hasMatchedOption("-D")) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
