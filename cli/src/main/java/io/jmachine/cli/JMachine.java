package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.provisioner.Machines;
import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.contexts.DockerConfigDir;
import io.jmachine.provisioner.contexts.MachineContexts;
import io.jmachine.provisioner.engine.HandshakeWarmUp;
import io.jmachine.provisioner.ssh.SshWaiter;
import io.jmachine.provisioner.store.MachineStore;
import io.jmachine.provisioner.store.StoreLocation;
import io.jmachine.provisioner.tls.CertificateAuthority;
import io.jmachine.templates.Templates;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The jmachine command: create and manage container hosts. Each verb is its own class. */
@Command(name = "jmachine",
        mixinStandardHelpOptions = true,
        // every verb takes -h/--help as well (`create -d generic --help` lists the drivers' flags)
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionCommand.Provider.class,
        description = "Create and manage container hosts: VMs and hosts that run jmachine-engine, driven with the docker CLI.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:usage error", "3:the driver's pre-create check failed (create)"})
public final class JMachine implements Runnable {

    /**
     * The verbs by name, in the order help lists them (each key is its class's @Command name; a test checks). Added in
     * code, not in @Command: a run of one verb builds only that verb's model, since picocli's reflection over all of
     * them was a third of a quick verb's time.
     */
    static final Map<String, Class<?>> VERBS = verbs();

    static {
        // picocli's default factory first looks for Groovy's Closure, a lookup that opens every jar on the class path
        // (bcprov's big index among them): 25 ms of each start, for a class jmachine never has
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> verbs = new java.util.LinkedHashMap<>();
        verbs.put("create", CreateCommand.class);
        verbs.put("ls", LsCommand.class);
        verbs.put("inspect", InspectCommand.class);
        verbs.put("env", EnvCommand.class);
        verbs.put("ip", IpCommand.class);
        verbs.put("url", UrlCommand.class);
        verbs.put("status", StatusCommand.class);
        verbs.put("active", ActiveCommand.class);
        verbs.put("use", UseCommand.class);
        verbs.put("config", ConfigCommand.class);
        verbs.put("ssh", SshCommand.class);
        verbs.put("scp", ScpCommand.class);
        verbs.put("start", StartCommand.class);
        verbs.put("stop", StopCommand.class);
        verbs.put("restart", RestartCommand.class);
        verbs.put("kill", KillCommand.class);
        verbs.put("rm", RmCommand.class);
        verbs.put("fleet", FleetCommand.class);
        verbs.put("export", ExportCommand.class);
        verbs.put("import", ImportCommand.class);
        verbs.put(ForwardAgents.VERB, ForwardAgentCommand.class);
        verbs.put("provision", ProvisionCommand.class);
        verbs.put("regenerate-certs", RegenerateCertsCommand.class);
        verbs.put("upgrade", UpgradeCommand.class);
        verbs.put("version", VersionCommand.class);
        verbs.put("completion", CompletionCommand.class);
        verbs.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(verbs);
    }

    /**
     * The one verb {@code args} run, when it is one that needs no other: the first word that is not an option or the
     * value of -s. Empty for help, completion (they list every verb), an unknown word (picocli suggests a verb), none.
     */
    static java.util.Optional<String> soleVerb(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-s") || arg.equals("--storage-path")) {
                i++;
            } else if (arg.equals("--")) {
                return java.util.Optional.empty();
            } else if (!arg.startsWith("-")) {
                boolean alone = VERBS.containsKey(arg) && !arg.equals("help") && !arg.equals("completion");
                return alone ? java.util.Optional.of(arg) : java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }

    /** The verbs that ask engines over TLS as soon as they run: their handshakes' one-time set-up starts with main. */
    static final java.util.Set<String> ASKS_ENGINES = java.util.Set.of("ls", "active");

    /** Starts the handshakes' one-time set-up when {@code args} run a verb that asks engines at once. */
    static void warmUp(String[] args) {
        if (soleVerb(args).filter(ASKS_ENGINES::contains).isPresent()) {
            HandshakeWarmUp.start();
        }
    }

    /** Docker Machine's name for a machine when a verb is given none. */
    static final String DEFAULT_MACHINE = "default";

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    private final DriverRegistry drivers;
    private final Map<String, String> environment;
    /** Whether stderr is the process's own (main), which may be a terminal; not when a test gives its own writer. */
    private final boolean terminal;
    private ProgressOutput output;

    JMachine(DriverRegistry drivers, Map<String, String> environment, boolean terminal) {
        this.drivers = drivers;
        this.environment = environment;
        this.terminal = terminal;
    }

    /** Without a verb: show what there is, and count it as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    DriverRegistry drivers() {
        return drivers;
    }

    /** The process environment (a test passes its own). */
    Map<String, String> environment() {
        return environment;
    }

    /** Starts the machine's forward agent if it needs one and none runs (see {@link ForwardAgents}). */
    void ensureForwardAgent(io.jmachine.provisioner.Machine machine) {
        ForwardAgents.ensure(machine, global.store(environment).root(), global.debug());
    }

    Machines machines() {
        StoreLocation location = global.store(environment);
        String user = environment.getOrDefault("USER", System.getProperty("user.name"));
        return new Machines(new MachineStore(location), drivers, new CertificateAuthority(location.certs(), user, Clock.systemUTC()),
                new Templates(), Clock.systemUTC(), SshWaiter.standard(), new MachineContexts(dockerConfig(), location.root(), debug()));
    }

    /** The docker CLI's config folder: $DOCKER_CONFIG, else ~/.docker. */
    DockerConfigDir dockerConfig() {
        return DockerConfigDir.resolve(environment, Path.of(System.getProperty("user.home")));
    }

    /** Lines that only -D shows, on stderr. */
    Progress debug() {
        if (!global.debug()) {
            return Progress.silent();
        }
        return line -> output().line("jmachine: debug: " + line);
    }

    /** Progress of one machine on stderr, as "(NAME) …". */
    Progress progress(String machine) {
        return output().forMachine(machine);
    }

    /** stderr for progress, made on first use (the quick verbs never need it). */
    synchronized ProgressOutput output() {
        if (output == null) {
            output = terminal ? ProgressOutput.forStderr(spec.commandLine().getErr(), global.debug(), environment.get("COLUMNS"))
                    : new ProgressOutput(spec.commandLine().getErr(), false, global.debug(), 0);
        }
        return output;
    }

    public static CommandLine commandLine() {
        return commandLine(DriverRegistry.builtIn(), System.getenv(), true, VERBS.keySet());
    }

    /** Every verb, for tests that run several on one command line. */
    static CommandLine commandLine(DriverRegistry drivers, Map<String, String> environment) {
        return commandLine(drivers, environment, false, VERBS.keySet());
    }

    /** Only what {@code args} need: their verb alone when {@link #soleVerb} finds one, else every verb. */
    static CommandLine commandLine(DriverRegistry drivers, Map<String, String> environment, boolean terminal, String[] args) {
        return commandLine(drivers, environment, terminal, soleVerb(args).map(java.util.Set::of).orElse(VERBS.keySet()));
    }

    private static CommandLine commandLine(DriverRegistry drivers, Map<String, String> environment, boolean terminal,
            java.util.Set<String> verbs) {
        JMachine root = new JMachine(drivers, environment, terminal);
        CommandLine commandLine = new CommandLine(root);
        VERBS.forEach((name, verb) -> {
            if (verbs.contains(name)) {
                commandLine.addSubcommand(name, verb);
            }
        });
        commandLine.setExecutionExceptionHandler(JMachine::reportFailure);
        if (commandLine.getSubcommands().containsKey("create")) {
            CreateCommand.addDriverFlags(commandLine.getSubcommands().get("create"), drivers);
        }
        if (commandLine.getSubcommands().containsKey("ssh")) {
            // everything after the machine's name is the remote command, dashes included
            commandLine.getSubcommands().get("ssh").setStopAtPositional(true);
        }
        documentExitCodes(commandLine);
        return commandLine;
    }

    /** Every verb's --help ends with its exit codes, for scripts; a verb that declares its own keeps them. */
    private static void documentExitCodes(CommandLine commandLine) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            if (usage.exitCodeList().isEmpty()) {
                Map<String, String> codes = new java.util.LinkedHashMap<>();
                codes.put("0", "success");
                codes.put("1", "failure");
                codes.put("2", "usage error");
                if (sub.getCommandName().equals("create")) {
                    codes.put("3", "the driver's pre-create check failed");
                }
                usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
            }
            documentExitCodes(sub);
        }
    }

    /** A failure prints one line that says what failed; -D adds the stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        CommandLine top = commandLine;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        if (top.getCommand() instanceof JMachine root && root.output != null) {
            root.output.clearStatus();
        }
        err.println("jmachine: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (parseResult.hasMatchedOption("-D") || parseResult.subcommand() != null && hasDebug(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof PreCreateCheckException ? 3 : CommandLine.ExitCode.SOFTWARE;
    }

    private static boolean hasDebug(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("-D")) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) {
        warmUp(args);
        int status = commandLine(DriverRegistry.builtIn(), System.getenv(), true, args).execute(args);
        // System.exit logs the exit through System.Logger, whose first use looks for a logging backend in every jar on
        // the class path (50 ms of a quick verb); returning from main ends the JVM the same way, hooks included, when
        // no other thread would keep it running
        if (status != 0 || otherThreadsKeepTheJvm()) {
            System.exit(status);
        }
    }

    /** Whether a platform thread other than this one, not a daemon, still runs (virtual threads are daemons). */
    private static boolean otherThreadsKeepTheJvm() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null) {
            group = group.getParent();
        }
        Thread[] threads = new Thread[group.activeCount() + 8];
        int count = group.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if (threads[i] != Thread.currentThread() && threads[i].isAlive() && !threads[i].isDaemon()) {
                return true;
            }
        }
        return count == threads.length; // more threads than counted: do not guess
    }
}
