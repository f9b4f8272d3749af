package io.jmachine.cli;

import io.jmachine.cli.fleet.FleetApply;
import io.jmachine.cli.fleet.FleetFile;
import io.jmachine.cli.fleet.FleetMachine;
import io.jmachine.cli.fleet.FleetPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * `jmachine fleet apply -f FILE`: does what plan shows, N creates at a time; a machine that fails does not stop the
 * others. Removals need --prune, re-creations --recreate: those flags are the consent, so apply never asks.
 */
@Command(name = "apply", description = "Create the machines the fleet file names and that do not exist, N at a time; "
        + "with --prune remove the fleet's machines it no longer names, with --recreate re-create those whose options changed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the fleet is as the file says (re-creations held back without --recreate are listed)",
                "1:some machines failed, a driver's pre-create check among them (the others were made), or a name is in conflict",
                "2:usage error, such as a bad fleet file (nothing was done)"})
final class FleetApplyCommand implements Callable<Integer> {

    @ParentCommand
    FleetCommand fleet;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The fleet file (YAML).")
    Path file;

    @Option(names = "--parallel", paramLabel = "N", description = "How many machines to make at once (default: one per two host cores, at least 1).")
    Integer parallel;

    @Option(names = "--prune", description = "Remove the fleet's machines that the file no longer names.")
    boolean prune;

    @Option(names = "--recreate", description = "Re-create the machines whose options differ from the file's (their data is lost).")
    boolean recreate;

    @Option(names = "-y", description = "Accepted for scripts; apply never asks (--prune and --recreate are the consent).")
    boolean yes;

    @Override
    public Integer call() throws java.io.IOException {
        long started = System.nanoTime();
        FleetFile parsed = FleetMachines.read(fleet.root, file, spec.commandLine());
        FleetMachines store = new FleetMachines(fleet.root);
        FleetPlanner.Plan plan = FleetPlanner.plan(parsed, store, prune);
        PrintWriter out = spec.commandLine().getOut();
        FleetPlanCommand.print(out, plan);
        out.flush();
        if (!plan.hasChanges()) {
            return 0;
        }
        int n = parallel != null ? Math.max(1, parallel) : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        if (plan.count(FleetPlanner.Action.CREATE) + (recreate ? plan.count(FleetPlanner.Action.RECREATE) : 0) > 1) {
            fleet.root.output().line("jmachine: making " + n + " machine" + (n == 1 ? "" : "s") + " at a time"
                    + (parallel == null ? " (one per two of this host's " + Runtime.getRuntime().availableProcessors() + " cores; --parallel N to change)" : ""));
        }
        store.prepare();
        FleetApply.Result result = FleetApply.run(plan, new FleetApply.Actions() {
            @Override
            public void create(FleetMachine machine) throws Exception {
                store.create(parsed, machine);
                fleet.root.progress(machine.name()).report("created");
            }

            @Override
            public void remove(String machine) {
                store.machines().remove(machine, false, fleet.root.progress(machine));
                fleet.root.progress(machine).report("removed");
            }
        }, recreate, n);
        for (var failure : result.failures().entrySet()) {
            fleet.root.output().line("jmachine: " + failure.getKey() + ": " + failure.getValue());
        }
        long conflicts = plan.count(FleetPlanner.Action.CONFLICT);
        long heldBack = recreate ? 0 : plan.count(FleetPlanner.Action.RECREATE);
        out.printf(Locale.ROOT, "applied in %.1f s: %d done, %d failed%s%s%n", (System.nanoTime() - started) / 1e9, result.done(),
                result.failures().size(), heldBack > 0 ? ", " + heldBack + " re-creation" + (heldBack == 1 ? "" : "s") + " held back (--recreate does them)" : "",
                conflicts > 0 ? ", " + conflicts + " in conflict (left alone)" : "");
        out.flush();
        return result.failed() || conflicts > 0 ? 1 : 0;
    }
}
