package io.jmachine.provisioner.install;

import io.jmachine.provisioner.os.OsFamily;
import io.jmachine.provisioner.os.OsRelease;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;

import java.time.Duration;

/** Reads /etc/os-release, checks that root is reachable (sudo without a password) and how services run. */
final class DetectHost implements InstallStep {

    /** Starts the line, after os-release's, that says whether systemd runs the host. */
    private static final String SYSTEMD = "jmachine-systemd=";
    private static final int NO_SUDO = 97;

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
        // one command for the three (each command is a round trip, ~0.5 s under TCG while a first boot goes on)
        String sudo = ssh.needsSudo() ? "sudo -n true || exit " + NO_SUDO + "; " : "";
        CommandResult result = ssh.run(sudo + "cat /etc/os-release || exit; echo; if [ -d /run/systemd/system ]; then echo "
                + SYSTEMD + "yes; else echo " + SYSTEMD + "no; fi", timeout());
        if (result.exitCode() == NO_SUDO) {
            result.orThrow("sudo without a password for " + ssh.endpoint().user());
        }
        String output = result.orThrow("reading /etc/os-release").stdout();
        int marker = output.lastIndexOf(SYSTEMD);
        facts.release = OsRelease.parse(marker < 0 ? output : output.substring(0, marker));
        facts.family = OsFamily.of(facts.release).orElseThrow(() -> new IllegalStateException(
                facts.release.prettyName() + " (ID=" + facts.release.id() + ") is not a supported operating system"));
        facts.service = EngineService.of(marker >= 0 && output.startsWith("yes", marker + SYSTEMD.length()), ssh, layout);
    }

    @Override
    public String remedy() {
        return "jmachine provisions Debian/Ubuntu and Fedora/RHEL hosts, logged in as root or as a user with password-less sudo";
    }
}
