package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.ssh.SshClient;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Installs what the engine needs and the host lacks (runc, conmon, CNI plugins…), with the host's package manager. */
final class InstallRuntimePackages implements InstallStep {

    private final SshClient ssh;
    private final HostFacts facts;
    private final Progress progress;
    private List<String> missing = List.of();

    InstallRuntimePackages(SshClient ssh, HostFacts facts, Progress progress) {
        this.ssh = ssh;
        this.facts = facts;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "install the runtime packages";
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(10);
    }

    @Override
    public void run() {
        String found = facts.checks().asRoot(facts.family.missingPackagesScript()).orThrow("looking for the runtime").stdout();
        missing = Arrays.stream(found.split("\\s+")).filter(s -> !s.isBlank()).distinct().toList();
        if (missing.isEmpty()) {
            progress.detail("runtime packages: all present");
            return;
        }
        progress.report("installing " + String.join(" ", missing) + " with " + facts.family.packageManager());
        ssh.runAsRoot(facts.family.installCommand(missing), timeout().minusSeconds(5)).orThrow("installing " + String.join(" ", missing));
    }

    @Override
    public String remedy() {
        return "check that the host reaches its package mirrors, or install " + String.join(" ", missing)
                + " on it by hand, then run `jmachine provision`";
    }

    // packages stay installed on undo: removing them could take away what other software on the host uses
}
