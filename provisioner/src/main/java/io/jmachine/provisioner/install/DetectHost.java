package io.jmachine.provisioner.install;

import io.jmachine.provisioner.os.OsFamily;
import io.jmachine.provisioner.os.OsRelease;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;
import io.jmachine.provisioner.ssh.SshException;

import java.time.Duration;
import java.util.Optional;

/**
 * Reads /etc/os-release, checks that root is reachable (sudo without a password) and how services run, and asks the
 * later steps' checks (see {@link HostChecks}): one root shell over one SSH command for all of it, since each command
 * is a round trip and each sudo a process of its own, ~0.5 s each under TCG while a first boot goes on.
 */
final class DetectHost implements InstallStep {

    /** The root shell's first line: without it, sudo did not run the shell. */
    private static final String ROOT = "jmachine-root";
    /** Starts the line, after os-release's, that says whether systemd runs the host. */
    private static final String SYSTEMD = "jmachine-systemd=";
    /** Starts the line after which the checks answer. */
    private static final String CHECKS = "jmachine-checks";

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
        CommandResult result = ssh.runAsRoot("echo " + ROOT + "; cat /etc/os-release || exit; echo; if [ -d /run/systemd/system ]; then echo "
                + SYSTEMD + "yes; else echo " + SYSTEMD + "no; fi; echo " + CHECKS + "\n" + facts.checks().script(), timeout());
        if (!result.stdout().startsWith(ROOT)) {
            throw failure(ssh.needsSudo() ? "sudo without a password for " + ssh.endpoint().user() : "a shell as root", result);
        }
        Answer answer = Answer.parse(result.stdout());
        if (answer.checks().isEmpty()) {
            throw failure("reading /etc/os-release", result);
        }
        facts.release = answer.release();
        facts.family = OsFamily.of(facts.release).orElseThrow(() -> new IllegalStateException(
                facts.release.prettyName() + " (ID=" + facts.release.id() + ") is not a supported operating system"));
        facts.service = EngineService.of(answer.systemd(), ssh, layout);
        facts.checks().answered(answer.checks().get());
    }

    /**
     * What the root shell printed.
     *
     * @param checks what the checks printed; empty when the shell ended before them (no os-release)
     */
    record Answer(OsRelease release, boolean systemd, Optional<String> checks) {

        static Answer parse(String output) {
            int checks = output.indexOf("\n" + CHECKS + "\n");
            int marker = output.lastIndexOf("\n" + SYSTEMD, checks < 0 ? output.length() : checks);
            int releaseFrom = output.startsWith(ROOT) ? ROOT.length() : 0;
            return new Answer(OsRelease.parse(output.substring(releaseFrom, marker < 0 ? output.length() : marker)),
                    marker >= 0 && output.startsWith("yes", marker + 1 + SYSTEMD.length()),
                    checks < 0 ? Optional.empty() : Optional.of(output.substring(checks + CHECKS.length() + 2)));
        }
    }

    /** What failed, with the shell's own words (the command itself, with the checks, is too long to show). */
    private static SshException failure(String what, CommandResult result) {
        String said = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        return new SshException(what + " failed (exit status " + result.exitCode() + ")" + (said.isEmpty() ? "" : ": " + said));
    }

    @Override
    public String remedy() {
        return "jmachine provisions Debian/Ubuntu and Fedora/RHEL hosts, logged in as root or as a user with password-less sudo";
    }
}
