package io.jmachine.cli;

import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverRegistry;
import io.jmachine.provisioner.Machines;
import io.jmachine.provisioner.store.EngineOptions;
import io.jmachine.provisioner.store.MachineName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `jmachine create -d DRIVER [driver flags] [--engine-…] NAME`. Every driver's flags are listed in `create --help`. */
@Command(name = "create", sortOptions = false, description = {
        "Create a machine: make its host with the driver, install jmachine-engine on it with mutual TLS.",
        "Then: eval $(jmachine env NAME)"})
final class CreateCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", defaultValue = "${env:JMACHINE_DRIVER}",
            description = "The driver that makes the host (env: JMACHINE_DRIVER): ${sys:jmachine.drivers}.")
    String driver;

    @Option(names = "--engine-opt", paramLabel = "KEY=VALUE", description = "A key of the engine's config file (data-root, bridge, bip…).")
    List<String> engineOpts = new ArrayList<>();

    @Option(names = "--engine-label", paramLabel = "KEY=VALUE", description = "A label of the engine.")
    List<String> engineLabels = new ArrayList<>();

    @Option(names = "--engine-insecure-registry", paramLabel = "HOST[:PORT]", description = "A registry reached without TLS checks.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--engine-registry-mirror", paramLabel = "URL", description = "A registry mirror.")
    List<String> registryMirrors = new ArrayList<>();

    @Option(names = "--engine-env", paramLabel = "NAME=VALUE", description = "An environment variable of the engine (proxies…).")
    List<String> engineEnv = new ArrayList<>();

    @Option(names = "--engine-install-dir", paramLabel = "PATH", description = "Where the engine is installed on the host (default: "
            + EngineOptions.DEFAULT_INSTALL_DIR + ").")
    String installDir;

    @Option(names = "--engine-config-dir", paramLabel = "PATH", description = "Where its config and TLS files go (default: "
            + EngineOptions.DEFAULT_CONFIG_DIR + ").")
    String configDir;

    @Option(names = "--engine-bundle", paramLabel = "FILE", description = "The engine bundle to install (env: " + EngineBundle.ENV
            + "; default: the one built in engine-agent/target).")
    Path bundle;

    @Option(names = {"-q", "--quiet"}, description = "Print only the machine's name on stdout, once it is ready (progress stays on stderr).")
    boolean quiet;

    @Parameters(paramLabel = "NAME", description = "The machine's name.")
    String name;

    /** Adds each driver's flags to `create`, typed as the driver declares them. */
    static void addDriverFlags(CommandLine create, DriverRegistry drivers) {
        System.setProperty("jmachine.drivers", String.join(", ", drivers.all().stream().map(DriverFactory::name).toList()));
        for (DriverFactory factory : drivers.all()) {
            for (DriverFlag flag : factory.flags()) {
                OptionSpec.Builder option = OptionSpec.builder(flag.name())
                        .description(flag.description() + (flag.envVar() != null ? " (env: " + flag.envVar() + ")" : "")
                                + (flag.defaultValue() != null && flag.type() != DriverFlag.Type.BOOLEAN ? " Default: " + flag.defaultValue() : ""))
                        .paramLabel(flag.type() == DriverFlag.Type.INT ? "N" : "VALUE");
                switch (flag.type()) {
                    case STRING -> option.type(String.class);
                    case INT -> option.type(Integer.class);
                    case BOOLEAN -> option.type(Boolean.class).arity("0");
                    case STRING_LIST -> option.type(List.class).auxiliaryTypes(String.class);
                }
                create.getCommandSpec().addOption(option.build());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        MachineName.check(name);
        if (driver == null || driver.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the driver with -d: one of " + System.getProperty("jmachine.drivers"));
        }
        Machines machines = root.machines();
        DriverFactory factory = root.drivers().get(driver);
        Map<String, Object> flags = driverFlags(factory);
        EngineOptions engine = new EngineOptions(engineOpts, engineEnv, insecureRegistries, engineLabels, registryMirrors, true,
                installDir, configDir);
        Machines.CreateRequest request = new Machines.CreateRequest(name, driver, flags, engine, EngineBundle.locate(bundle, root.environment()));
        Thread interruptedHint = new Thread(() -> sayHowToCleanUp(machines));
        // Ctrl-C or a kill ends the JVM mid-create: whatever was made is in the store by then, and rm removes it
        Runtime.getRuntime().addShutdownHook(interruptedHint);
        try {
            root.ensureForwardAgent(machines.create(request, root.progress(name)));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interruptedHint);
            } catch (IllegalStateException shuttingDown) {
                // the hint is being printed
            }
        }
        if (quiet) {
            spec.commandLine().getOut().println(name);
        } else {
            spec.commandLine().getOut().println("Machine " + name + " is ready. To point your docker CLI at it, run: eval $(jmachine env " + name + ")");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void sayHowToCleanUp(Machines machines) {
        if (machines.store().exists(name)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("jmachine: create of " + name + " was interrupted; `jmachine rm -f " + name + "` removes what it made");
            err.flush();
        }
    }

    /** The chosen driver's flags as given (or from their environment variables); another driver's flag is an error. */
    private Map<String, Object> driverFlags(DriverFactory chosen) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (DriverFactory other : root.drivers().all()) {
            if (other == chosen) {
                continue;
            }
            for (DriverFlag flag : other.flags()) {
                if (parsed.hasMatchedOption(flag.name())) {
                    throw new CommandLine.ParameterException(spec.commandLine(), flag.name() + " is a flag of the " + other.name()
                            + " driver, not of " + chosen.name());
                }
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (DriverFlag flag : chosen.flags()) {
            if (parsed.hasMatchedOption(flag.name())) {
                values.put(flag.name(), parsed.matchedOptionValue(flag.name(), null));
            } else if (flag.envVar() != null && root.environment().get(flag.envVar()) != null) {
                values.put(flag.name(), fromEnvironment(flag, root.environment().get(flag.envVar())));
            }
        }
        return values;
    }

    private Object fromEnvironment(DriverFlag flag, String value) {
        try {
            return switch (flag.type()) {
                case STRING -> value;
                case INT -> Integer.valueOf(value.strip());
                case BOOLEAN -> Boolean.valueOf(value.strip());
                case STRING_LIST -> List.of(value.split(","));
            };
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag.envVar() + "=" + value + " is not a number (for " + flag.name() + ")");
        }
    }
}
