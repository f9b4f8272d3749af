package io.jmachine.provisioner;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.DriverRegistry;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.SshEndpoint;
import io.jmachine.provisioner.contexts.MachineContexts;
import io.jmachine.provisioner.engine.ClientTls;
import io.jmachine.provisioner.engine.EngineClient;
import io.jmachine.provisioner.engine.EngineConnections;
import io.jmachine.provisioner.install.EngineFiles;
import io.jmachine.provisioner.install.FirstBootBundle;
import io.jmachine.provisioner.install.EngineInstaller;
import io.jmachine.provisioner.install.EngineSettings;
import io.jmachine.provisioner.ssh.SshClient;
import io.jmachine.provisioner.ssh.SshKeys;
import io.jmachine.provisioner.ssh.SshWaiter;
import io.jmachine.provisioner.store.EngineOptions;
import io.jmachine.provisioner.store.HostOptions;
import io.jmachine.provisioner.store.MachineConfig;
import io.jmachine.provisioner.store.MachineStore;
import io.jmachine.provisioner.tls.CertificateAuthority;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The machine verbs over the store, the drivers, the CA and the engine installer: what the CLI calls.
 * Thread-safe for different machines (verbs on several machines run in parallel).
 */
public final class Machines {

    /**
     * @param driverFlags values of the chosen driver's flags the user gave, by long name
     * @param bundle      the engine bundle hosts get
     */
    public record CreateRequest(String name, String driverName, Map<String, Object> driverFlags, EngineOptions engine, Path bundle) {}

    private final MachineStore store;
    private final DriverRegistry drivers;
    private final CertificateAuthority ca;
    private final Templates templates;
    private final Clock clock;
    private final SshWaiter sshWaiter;
    private final MachineContexts contexts;
    private final EngineConnections engineConnections = new EngineConnections();
    private final MachineCertificates certificates;
    private final EngineArrival arrival = new EngineArrival(new EngineArrival.Hosts() {
        @Override
        public EngineClient engine(Machine machine) throws IOException {
            return engineClient(machine);
        }

        @Override
        public String engineLogTail(Machine machine) {
            try (SshClient ssh = ssh(machine)) {
                return installer(machine, ssh, Progress.silent()).engineLogTail();
            }
        }
    });

    /** @param contexts the machines' docker contexts, kept in step with their addresses and certificates */
    public Machines(MachineStore store, DriverRegistry drivers, CertificateAuthority ca, Templates templates, Clock clock, SshWaiter sshWaiter,
                    MachineContexts contexts) {
        this.store = store;
        this.drivers = drivers;
        this.ca = ca;
        this.certificates = new MachineCertificates(store, ca);
        this.templates = templates;
        this.clock = clock;
        this.sshWaiter = sshWaiter;
        this.contexts = contexts;
    }

    public MachineStore store() {
        return store;
    }

    public DriverRegistry drivers() {
        return drivers;
    }

    public CertificateAuthority certificateAuthority() {
        return ca;
    }

    public MachineContexts contexts() {
        return contexts;
    }

    public List<String> names() {
        return store.names();
    }

    /** Creates a machine; a failure after the pre-create check keeps it in the store, so that it can be looked at or removed. */
    public Machine create(CreateRequest request, Progress progress) throws IOException {
        String name = request.name();
        MachineContext context = store.context(name);
        if (store.exists(name)) {
            throw new DriverException("machine \"" + name + "\" already exists; remove it first (jmachine rm " + name + ") or pick another name");
        }
        DriverFactory factory = drivers.get(request.driverName());
        Driver driver = factory.newDriver(context, new DriverOptions(factory.flags(), request.driverFlags()));
        // refuse bad engine options before anything exists
        EngineSettings.of(request.engine(), driver.name(), 2376);
        progress.report("running pre-create checks");
        driver.preCreateCheck(progress);
        if (driver.hasHost() && !Files.isRegularFile(request.bundle())) {
            throw missingBundle(request.bundle());
        }
        if (ca.bootstrap()) {
            progress.report("made the CA and client certificate in " + ca.caCert().getParent());
        }

        Files.createDirectories(context.machineDir());
        if (driver.wantsGeneratedSshKey()) {
            SshKeys.generate(context.sshKey(), context.sshPublicKey(), "jmachine-" + name);
        }
        MachineConfig config = new MachineConfig(MachineConfig.CURRENT_VERSION, name, driver.name(), settingsOf(driver),
                new HostOptions(driver.name(), request.engine(), certificates.authOptions(context)), clock.instant().toString());
        store.save(config);
        store.saveSecrets(name, driver.secrets());
        certificates.copyClientFiles(context);
        Machine machine = new Machine(config, driver, context);
        long started = System.nanoTime();
        try {
            if (driver.hasHost()) {
                machine = offerFirstBoot(machine, request.bundle());
            }
            progress.report("creating the host with the " + driver.name() + " driver");
            driver.create(progress);
            progress.report("host created " + since(started));
            machine = saveDriver(machine);
            if (driver.hasHost()) {
                provision(machine, request.bundle(), false, progress, started);
            }
        } catch (RuntimeException | IOException e) {
            throw new DriverException("creating " + name + " failed: " + e.getMessage() + "\nThe machine is kept so that you can look at it "
                    + "(jmachine ssh " + name + "); remove it with `jmachine rm -f " + name + "`", e);
        }
        syncContext(machine, progress);
        return machine;
    }

    /**
     * Where the driver can hand the guest the bundle and a script before it boots, the engine is installed and started
     * during the boot (its certificate issued now, for the addresses the driver already knows); the install over SSH
     * that follows then finds everything in place, instead of uploading and starting it all after the boot.
     */
    private Machine offerFirstBoot(Machine machine, Path bundle) throws IOException {
        Optional<String> device = machine.driver().firstBootBundleDevice();
        if (device.isEmpty()) {
            return machine;
        }
        Machine current = certificates.serverCertificate(machine);
        EngineInstaller.Inputs inputs = inputs(current, bundle, false);
        FirstBootBundle disk = FirstBootBundle.of(bundle, inputs.bundleSha256(), store.location().bundleCache());
        String script = new EngineFiles(engineSettings(current), templates).firstBootScript(inputs, device.get(), disk);
        current.driver().firstBoot(script, disk.file());
        return current;
    }

    private static DriverException missingBundle(Path bundle) {
        return new DriverException("the engine bundle " + bundle + " does not exist: build it with "
                + "`./build -pl engine-agent -am package -DskipTests`, or give its path with --engine-bundle");
    }

    private static JsonNode settingsOf(Driver driver) {
        return MachineStore.JSON.valueToTree(driver.settings());
    }

    private Machine saveDriver(Machine machine) {
        MachineConfig config = machine.config().withDriver(settingsOf(machine.driver()));
        store.save(config);
        store.saveSecrets(machine.name(), machine.driver().secrets());
        return new Machine(config, machine.driver(), machine.context());
    }

    public Machine load(String name) {
        return load(name, store.load(name));
    }

    private Machine load(String name, MachineConfig config) {
        MachineContext context = store.context(name);
        DriverFactory factory = drivers.get(config.driverName());
        return new Machine(config, factory.restore(context, config.driver(), store.loadSecrets(name)), context);
    }

    /**
     * Installs or re-installs the engine: waits for SSH, issues a server certificate for the driver's current
     * addresses, and runs the install flow.
     */
    public void provision(Machine machine, Path bundle, boolean forceBundle, Progress progress) throws IOException {
        provision(machine, bundle, forceBundle, progress, System.nanoTime());
        syncContext(machine, progress);
    }

    /** The machine's docker context, made or brought up to date (what create does, and import will). */
    public void syncContext(Machine machine, Progress progress) {
        MachineContexts.Target target;
        try {
            target = contextTarget(machine);
        } catch (RuntimeException e) {
            progress.report("warning: no docker context for " + machine.name() + " (" + e.getMessage() + ")");
            return;
        }
        contexts.sync(target, progress);
    }

    /** Makes the machine's docker context docker's current one. @return whether docker's config.json changed */
    public boolean use(Machine machine, Progress progress) {
        return contexts.use(contextTarget(machine), progress);
    }

    private static MachineContexts.Target contextTarget(Machine machine) {
        return new MachineContexts.Target(machine.name(), machine.driver().engineUrl().toString(), machine.certPath(),
                "jmachine " + machine.driver().name() + " machine");
    }

    /** {@code started}: when the verb started (System.nanoTime()), for the elapsed times of the phase lines. */
    private void provision(Machine machine, Path bundle, boolean forceBundle, Progress progress, long started) throws IOException {
        SshEndpoint endpoint = sshEndpoint(machine);
        if (!Files.isRegularFile(bundle)) {
            throw missingBundle(bundle);
        }
        Machine current = certificates.serverCertificate(machine);
        progress.report("waiting for SSH on " + endpoint.host() + ":" + endpoint.port() + "…");
        try (SshClient ssh = sshWaiter.connect(endpoint, current.context().knownHosts(), progress)) {
            progress.report("SSH is up " + since(started) + "; provisioning…");
            installer(current, ssh, progress).install(inputs(current, bundle, forceBundle), engineClient(current),
                    current.driver().engineUrl().toString());
        }
        progress.report("engine answering over TLS at " + current.driver().engineUrl() + " " + since(started));
    }

    /** "(12.3 s)": the time since {@code started} (System.nanoTime()), as the phase lines show it. */
    static String since(long started) {
        return String.format(Locale.ROOT, "(%.1f s)", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Copies the store's current client files into the machine's folder and issues a new server certificate for the
     * driver's current addresses, pushed to the host, whose engine restarts (after `--client-certs` made a new CA).
     */
    public void regenerateCertificates(Machine machine, Progress progress) throws IOException {
        certificates.copyClientFiles(machine.context());
        if (!machine.driver().hasHost()) {
            syncContext(machine, progress);
            return;
        }
        Machine current = certificates.issueServerCertificate(machine);
        try (SshClient ssh = sshWaiter.connect(sshEndpoint(current), current.context().knownHosts(), progress)) {
            installer(current, ssh, progress).reconfigure(inputs(current, null, false), engineClient(current),
                    current.driver().engineUrl().toString());
        }
        syncContext(current, progress);
    }

    /** A client of the machine's engine over its TLS files. */
    public EngineClient engineClient(Machine machine) throws IOException {
        return engineConnections.client(machine.driver().engineUrl(), machine.clientTls());
    }

    private EngineInstaller.Inputs inputs(Machine machine, Path bundle, boolean force) {
        // the bundle's digest is kept beside its image, for its size and time: hashing its 45 MB took 0.2-0.4 s of each create
        String bundleSha256 = bundle == null ? null : store.location().bundleDigests().sha256(bundle);
        return new EngineInstaller.Inputs(bundle, bundleSha256, force, machine.certPath().resolve("ca.pem"), machine.serverCert(),
                machine.serverKey());
    }

    private EngineInstaller installer(Machine machine, SshClient ssh, Progress progress) {
        return new EngineInstaller(ssh, engineSettings(machine), templates, progress);
    }

    private static EngineSettings engineSettings(Machine machine) {
        return EngineSettings.of(machine.config().hostOptions().engineOptions(), machine.driver().name(),
                machine.driver().engineListenPort());
    }

    private static SshEndpoint sshEndpoint(Machine machine) {
        return machine.driver().ssh().orElseThrow(() -> new DriverException("machine " + machine.name() + " (driver "
                + machine.driver().name() + ") has no host that jmachine can log in to"));
    }

    /** Logs in to the machine's host (one attempt: the host is expected to run). */
    public SshClient ssh(Machine machine) {
        return SshClient.connect(sshEndpoint(machine), machine.context().knownHosts(), Duration.ofSeconds(15));
    }

    /**
     * Starts the host and, with {@code wait}, returns once its engine answers over mutual TLS, as create does; where
     * its address moved (a new DHCP lease), the engine gets a server certificate for the new one.
     */
    public void start(Machine machine, boolean wait, Progress progress) throws IOException {
        long started = System.nanoTime();
        machine.driver().start(progress);
        progress.report("host started " + since(started));
        Machine current = saveDriver(machine);
        reissueIfAddressMoved(current, progress);
        if (wait) {
            arrival.await(current, progress, started);
        }
    }

    public void stop(Machine machine, Progress progress) {
        machine.driver().stop(progress);
        saveDriver(machine);
    }

    public void restart(Machine machine, boolean wait, Progress progress) throws IOException {
        long started = System.nanoTime();
        machine.driver().restart(progress);
        progress.report("host restarted " + since(started));
        Machine current = saveDriver(machine);
        reissueIfAddressMoved(current, progress);
        if (wait) {
            arrival.await(current, progress, started);
        }
    }

    /**
     * TLS clients check the engine's certificate against the address they dial, so a host whose address is no longer among
     * the certificate's SANs gets a new one (as `regenerate-certs` would). A machine never provisioned has none to replace.
     */
    private void reissueIfAddressMoved(Machine machine, Progress progress) throws IOException {
        List<String> issuedFor = machine.config().hostOptions().authOptions().serverCertSans();
        List<String> needed = CertificateAuthority.serverSans(machine.driver().engineAddresses());
        if (issuedFor.isEmpty() || !machine.driver().hasHost()) {
            return;
        }
        if (issuedFor.containsAll(needed)) {
            // the context follows the address all the same (no line when nothing changed)
            syncContext(machine, progress);
            return;
        }
        progress.report("the address is now " + machine.driver().ipAddress() + ", which the engine's certificate does not cover; "
                + "issuing a new one");
        regenerateCertificates(machine, progress);
    }

    public void kill(Machine machine) {
        machine.driver().kill();
        saveDriver(machine);
    }

    /**
     * Removes a machine: on an adopted host the engine is stopped and unregistered, a host the driver owns is
     * destroyed, then the machine's folder goes. A machine whose machine.json cannot be read is removed from the
     * store all the same. With {@code force}, failures on the host are reported and the machine is removed anyway.
     */
    public void remove(String name, boolean force, Progress progress) {
        if (!store.exists(name)) {
            throw new DriverException("machine " + name + " does not exist");
        }
        Machine machine;
        try {
            machine = load(name);
        } catch (RuntimeException e) {
            progress.report("cannot read the machine (" + e.getMessage() + "); removing it from the store: "
                    + "anything its driver made outside the store is left as it is");
            store.remove(name);
            contexts.remove(name, progress);
            return;
        }
        Driver driver = machine.driver();
        if (!driver.ownsHost() && driver.hasHost()) {
            attempt(force, progress, "stopping the engine on " + driver.ipAddress(), () -> {
                try (SshClient ssh = SshClient.connect(driver.ssh().get(), machine.context().knownHosts(), Duration.ofSeconds(15))) {
                    installer(machine, ssh, progress).uninstall();
                }
            });
        }
        attempt(force, progress, "removing the host with the " + driver.name() + " driver", driver::remove);
        store.remove(name);
        contexts.remove(name, progress);
    }

    private static void attempt(boolean force, Progress progress, String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            if (!force) {
                throw new DriverException(what + " failed: " + e.getMessage() + "; `jmachine rm -f` removes the machine anyway", e);
            }
            progress.report(what + " failed (" + e.getMessage() + "); removing the machine anyway (-f)");
        }
    }

    /**
     * Starts setting up TLS with the store's own client files, which its machines hold copies of, for the statuses
     * asked next (see {@link EngineConnections#prepare}).
     */
    public void prepareEngineTls() {
        engineConnections.prepare(ClientTls.inDirectory(store.location().certs()));
    }

    /** State, URL and engine version as `ls` shows them; never throws, the error goes into the status. */
    public MachineStatus status(String name, Duration timeout) {
        return status(name, timeout, machine -> { });
    }

    /** As {@link #status(String, Duration)}; {@code read} gets the machine's config once read (one read of the store for `ls`). */
    public MachineStatus status(String name, Duration timeout, java.util.function.Consumer<MachineConfig> read) {
        return MachineStatuses.of(name, machineName -> {
            MachineConfig config = store.load(machineName);
            read.accept(config);
            return load(machineName, config);
        }, this::engineClient, timeout);
    }
}
