package io.jmachine.provisioner.install;

import io.jmachine.provisioner.ssh.SshClient;

import java.time.Duration;
import java.util.List;

import static io.jmachine.provisioner.ssh.ShellQuoting.quote;

/** Writes config.json and the TLS files (CA certificate, server certificate, server key 0600) into the config folder. */
final class WriteEngineConfig implements InstallStep {

    private final SshClient ssh;
    private final EngineLayout layout;
    private final List<RemoteFiles.RemoteFile> files;
    private final HostFacts facts;
    private boolean backedUp;

    /** @param files config.json, ca.pem, server.pem, server-key.pem with their paths in {@code layout} */
    WriteEngineConfig(SshClient ssh, EngineLayout layout, List<RemoteFiles.RemoteFile> files, HostFacts facts) {
        this.ssh = ssh;
        this.layout = layout;
        this.files = files;
        this.facts = facts;
    }

    @Override
    public String name() {
        return "write the engine's config and TLS files to " + layout.configDir();
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(2);
    }

    @Override
    public void run() {
        RemoteFiles remote = new RemoteFiles(ssh);
        if (RemoteFiles.unchanged(files, facts.checks().asRoot(RemoteFiles.digestsCommand(files)))) {
            return; // written at the host's first boot, or by an install before
        }
        facts.engineChanged = true;
        String dir = quote(layout.configDir());
        backedUp = ssh.runAsRoot("[ -e " + dir + " ] && rm -rf " + backup() + " && cp -a " + dir + " " + backup(), timeout()).ok();
        remote.install(files);
    }

    private String backup() {
        return quote(layout.configDir() + ".old");
    }

    @Override
    public void undo() {
        String dir = quote(layout.configDir());
        ssh.runAsRoot("rm -rf " + dir + (backedUp ? " && mv " + backup() + " " + dir : ""), timeout()).orThrow("restoring " + dir);
    }

    /** Nothing to remove when nothing was backed up (a first boot wrote the files): no round trip. */
    @Override
    public void commit() {
        if (backedUp) {
            ssh.runAsRoot("rm -rf " + backup(), timeout());
        }
    }

    @Override
    public String remedy() {
        return "check that " + layout.configDir() + " can be written on the host";
    }
}
