package io.jmachine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `jmachine fleet plan|apply|status|rm -f FILE`: machines as a YAML file says they should be. */
@Command(name = "fleet", description = {
        "Machines from a YAML fleet file: plan shows what apply would change, apply makes it so, rm removes the fleet.",
        "",
        "  name: lab                 # machines are labelled jmachine.fleet=lab",
        "  machines:",
        "    web:                    # count: N makes lab-web-1 … lab-web-N; without count: lab-web",
        "      driver: kvm",
        "      count: 2",
        "      options:              # create's flags without their dashes; lists for repeatable flags",
        "        kvm-memory: 1024",
        "        engine-label: [role=web]"},
        subcommands = {FleetPlanCommand.class, FleetApplyCommand.class, FleetStatusCommand.class, FleetRmCommand.class})
final class FleetCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give one of plan, apply, status or rm");
    }
}
