package io.jmachine.cli;

import io.jmachine.cli.fleet.FleetFile;
import io.jmachine.cli.fleet.FleetPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** `jmachine fleet rm [-y] -f FILE`: removes the machines labelled with this fleet, and no others. */
@Command(name = "rm", description = "Remove the fleet's machines (those labelled jmachine.fleet=NAME); other machines are never touched.")
final class FleetRmCommand implements Callable<Integer> {

    @ParentCommand
    FleetCommand fleet;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The fleet file (YAML).")
    Path file;

    @Option(names = "-y", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--force", description = "Remove a machine even when its host cannot be reached or removed.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        FleetFile parsed = FleetMachines.read(fleet.root, file, spec.commandLine());
        FleetMachines store = new FleetMachines(fleet.root);
        List<String> names = store.stored().stream().filter(m -> m.labels().contains(parsed.label()))
                .map(FleetPlanner.Stored::name).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (names.isEmpty()) {
            out.println("the fleet " + parsed.name() + " has no machines");
            out.flush();
            return 0;
        }
        if (!yes && !confirmed(out, names)) {
            spec.commandLine().getErr().println("jmachine: nothing removed");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return ForEachMachine.run(names, fleet.root.output(), name -> {
            store.machines().remove(name, force, fleet.root.progress(name));
            out.println("Removed " + name);
            out.flush();
        });
    }

    private static boolean confirmed(PrintWriter out, List<String> names) throws IOException {
        out.println("About to remove the fleet's machines: " + String.join(", ", names));
        out.print("Are you sure? (y/n): ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
    }
}
