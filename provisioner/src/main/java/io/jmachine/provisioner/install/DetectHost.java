package io.jmachine.provisioner.install;

import io.jmachine.provisioner.os.OsFamily;
import io.jmachine.provisioner.os.OsRelease;
import io.jmachine.provisioner.ssh.SshClient;

import java.time.Duration;

/** Reads /etc/os-release, checks that root is reachable (sudo without a password) and how services run. */
final class DetectHost implements InstallStep {

    private final SshClient ssh;
    private final EngineLayout layout;
    private final HostFacts facts;

    DetectHost(SshClient ssh, EngineLayout layout, HostFacts facts) {
        this.ssh = ssh;
        this.layout = layout;
        this.facts = facts;
    }

    @Override
    public String name() {
        return "detect the host's operating system";
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    public void run() {
        if (ssh.needsSudo()) {
            ssh.run("sudo -n true", timeout()).orThrow("sudo without a password for " + ssh.endpoint().user());
        }
        facts.release = OsRelease.parse(ssh.run("cat /etc/os-release", timeout()).orThrow("reading /etc/os-release").stdout());
        facts.family = OsFamily.of(facts.release).orElseThrow(() -> new IllegalStateException(
                facts.release.prettyName() + " (ID=" + facts.release.id() + ") is not a supported operating system"));
        facts.service = EngineService.detect(ssh, layout);
    }

    @Override
    public String remedy() {
        return "jmachine provisions Debian/Ubuntu and Fedora/RHEL hosts, logged in as root or as a user with password-less sudo";
    }
}
