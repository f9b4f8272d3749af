package io.jmachine.cli;

import io.jmachine.cli.fleet.FleetFile;
import io.jmachine.cli.fleet.FleetPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `jmachine fleet plan [--prune] -f FILE`: one line per machine; exit 2 when apply would change something. */
@Command(name = "plan", description = "Show what apply would do, one line per machine: create, keep, recreate, remove (with --prune).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing would change", "1:failure", "2:something would change (or a usage error, such as a bad file)"})
final class FleetPlanCommand implements Callable<Integer> {

    @ParentCommand
    FleetCommand fleet;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The fleet file (YAML).")
    Path file;

    @Option(names = "--prune", description = "Plan the removal of the fleet's machines that the file no longer names.")
    boolean prune;

    @Override
    public Integer call() {
        FleetFile parsed = FleetMachines.read(fleet.root, file, spec.commandLine());
        FleetPlanner.Plan plan = FleetPlanner.plan(parsed, new FleetMachines(fleet.root), prune);
        PrintWriter out = spec.commandLine().getOut();
        print(out, plan);
        out.flush();
        return plan.hasChanges() ? 2 : 0;
    }

    static void print(PrintWriter out, FleetPlanner.Plan plan) {
        int width = plan.steps().stream().mapToInt(s -> s.machine().length()).max().orElse(0);
        for (FleetPlanner.Step step : plan.steps()) {
            out.printf("%-9s %-" + width + "s  %s%n", step.action().word(), step.machine(), step.reason());
        }
        out.println(plan.hasChanges() ? plan.summary() : "nothing to change: " + plan.summary());
    }
}
