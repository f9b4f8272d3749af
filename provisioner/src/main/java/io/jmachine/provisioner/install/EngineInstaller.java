package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.engine.EngineClient;
import io.jmachine.provisioner.os.OsFamily;
import io.jmachine.provisioner.ssh.SshClient;
import io.jmachine.templates.TemplateName;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.jmachine.provisioner.ssh.ShellQuoting.quote;

/**
 * Installs, reconfigures and removes jmachine-engine on a host over SSH, as named {@link InstallStep}s:
 * detect the OS, install runtime packages, upload the bundle, write config and TLS files, start, wait for /_ping.
 */
public final class EngineInstaller {

    /**
     * The local files a host's engine gets.
     *
     * @param bundle       jmachine-engine-bundle.tar.gz
     * @param bundleSha256 its SHA-256, which the host's installed bundle is compared with
     * @param forceBundle  send the bundle even when the host has the same one (upgrade)
     */
    public record Inputs(Path bundle, String bundleSha256, boolean forceBundle, Path caCert, Path serverCert, Path serverKey) {}

    /** A JVM's first start in a TCG guest takes ~10 s alone, but minutes when several guests share the cores (fleet apply). */
    private static final Duration ENGINE_START = Duration.ofSeconds(180);

    private final SshClient ssh;
    private final EngineSettings settings;
    private final Templates templates;
    private final Progress progress;

    public EngineInstaller(SshClient ssh, EngineSettings settings, Templates templates, Progress progress) {
        this.ssh = ssh;
        this.settings = settings;
        this.templates = templates;
        this.progress = progress;
    }

    /** The whole flow, for create, provision and upgrade. */
    public void install(Inputs inputs, EngineClient engine, String engineUrl) throws IOException {
        HostFacts facts = new HostFacts();
        EngineLayout layout = settings.layout();
        List<RemoteFiles.RemoteFile> config = configFiles(inputs);
        String unit = unitText();
        // what the steps after DetectHost look at first, asked with its own command (see HostChecks); the host's OS
        // family is not known yet, so the packages of each
        List<String> checks = new ArrayList<>();
        for (OsFamily family : OsFamily.values()) {
            checks.add(family.missingPackagesScript());
        }
        checks.add(UploadEngineBundle.installedChecksumCommand(layout));
        checks.add(RemoteFiles.digestsCommand(config));
        new EngineService.Systemd(ssh).unitCheck(unit).ifPresent(checks::add);
        facts.checks = new HostChecks(ssh, checks);
        new StepRunner(progress).run(List.of(
                new DetectHost(ssh, layout, facts),
                new InstallRuntimePackages(ssh, facts, progress),
                new UploadEngineBundle(ssh, layout, inputs.bundle(), inputs.bundleSha256(), inputs.forceBundle(), facts, progress),
                new WriteEngineConfig(ssh, layout, config, facts),
                new StartEngine(facts, unit, settings.environment()),
                new WaitForEngine(engine, engineUrl, facts, progress, ENGINE_START)));
    }

    /** New TLS files and config for an installed engine, then a restart (regenerate-certs). */
    public void reconfigure(Inputs inputs, EngineClient engine, String engineUrl) throws IOException {
        HostFacts facts = new HostFacts();
        facts.checks = HostChecks.none(ssh);
        EngineLayout layout = settings.layout();
        new StepRunner(progress).run(List.of(
                new DetectHost(ssh, layout, facts),
                new WriteEngineConfig(ssh, layout, configFiles(inputs), facts),
                new StartEngine(facts, unitText(), settings.environment()),
                new WaitForEngine(engine, engineUrl, facts, progress, ENGINE_START)));
    }

    /**
     * Stops the engine and removes its service and its config folder (with the TLS key), so that nothing on an
     * adopted host keeps trusting this store. The bundle and the data root (images, containers) stay.
     */
    public void uninstall() {
        EngineLayout layout = settings.layout();
        EngineService service = EngineService.detect(ssh, layout);
        progress.report("stopping the engine (" + service.describe() + ")");
        service.uninstall();
        // with a backup an interrupted reconfigure may have left, which holds a key too
        ssh.runAsRoot("rm -rf " + quote(layout.configDir()) + " " + quote(layout.configDir() + ".old"), Duration.ofSeconds(60))
                .orThrow("removing " + layout.configDir());
    }

    /** The engine's last output lines (its journal, or its log file where no systemd runs it). */
    public String engineLogTail() {
        return EngineService.detect(ssh, settings.layout()).logTail();
    }

    /** Whether the engine runs (its service is active, or its pidfile names a live engine). */
    public boolean engineRunning() {
        return EngineService.detect(ssh, settings.layout()).running();
    }

    private List<RemoteFiles.RemoteFile> configFiles(Inputs inputs) throws IOException {
        return new EngineFiles(settings, templates).config(inputs);
    }

    private String unitText() {
        return new EngineFiles(settings, templates).unit();
    }
}
