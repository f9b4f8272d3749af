package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.ssh.SshClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static io.jmachine.provisioner.ssh.ShellQuoting.quote;

/**
 * Sends the engine bundle and unpacks it into the install folder. The new tree is unpacked beside the old one and
 * checked to run before it takes its place, so a failed upgrade leaves the old engine (a first install is not run
 * here: the engine's start comes next and shows a bad bundle with its output); an unchanged bundle is
 * not sent again unless forced (upgrade).
 */
final class UploadEngineBundle implements InstallStep {

    private final SshClient ssh;
    private final EngineLayout layout;
    private final Path bundle;
    private final String bundleSha256;
    private final boolean force;
    private final HostFacts facts;
    private final Progress progress;
    private boolean swapped;

    UploadEngineBundle(SshClient ssh, EngineLayout layout, Path bundle, String bundleSha256, boolean force, HostFacts facts,
                       Progress progress) {
        this.ssh = ssh;
        this.layout = layout;
        this.bundle = bundle;
        this.bundleSha256 = bundleSha256;
        this.force = force;
        this.facts = facts;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "upload the engine bundle to " + layout.installDir();
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(10);
    }

    @Override
    public void run() throws IOException {
        String checksum = bundleSha256;
        if (!force) {
            String installed = facts.checks().asRoot(installedChecksumCommand(layout)).stdout().strip();
            if (installed.equals(checksum)) {
                progress.detail("the same engine bundle is installed already: kept");
                return;
            }
        }
        facts.engineChanged = true;
        RemoteFiles files = new RemoteFiles(ssh);
        String staged = files.stage(bundle, progress);
        String dir = quote(layout.installDir());
        String next = quote(layout.installDir() + ".new");
        String old = quote(layout.installDir() + ".old");
        try {
            ssh.runAsRoot("set -e; rm -rf " + next + "; mkdir -p " + next + "; tar -xzf " + quote(staged) + " -C " + next
                    + " --strip-components=1 --no-same-owner; echo " + checksum + " > " + next + "/.bundle-sha256; "
                    // a trial run protects an installed engine; a first install has none, and its start shows a bad bundle
                    // at once (a JVM start is seconds under TCG)
                    + "if [ -e " + dir + " ]; then " + next + "/bin/jmachine-engine --version >/dev/null; fi", timeout())
                    .orThrow("unpacking the bundle and running it once");
            ssh.runAsRoot("set -e; rm -rf " + old + "; if [ -e " + dir + " ]; then mv " + dir + " " + old + "; fi; mv " + next + " " + dir,
                    timeout()).orThrow("putting the new bundle in place");
            swapped = true;
        } finally {
            files.removeStagingDir(staged.substring(0, staged.lastIndexOf('/')));
        }
    }

    @Override
    public void undo() {
        String dir = quote(layout.installDir());
        String old = quote(layout.installDir() + ".old");
        ssh.runAsRoot("rm -rf " + quote(layout.installDir() + ".new"), timeout());
        if (swapped) {
            ssh.runAsRoot("rm -rf " + dir + "; if [ -e " + old + " ]; then mv " + old + " " + dir + "; fi", timeout())
                    .orThrow("restoring the previous bundle");
        }
    }

    /** Nothing to remove when the installed bundle was kept (a first boot unpacked it): no round trip. */
    @Override
    public void commit() {
        if (swapped) {
            ssh.runAsRoot("rm -rf " + quote(layout.installDir() + ".old"), timeout());
        }
    }

    @Override
    public String remedy() {
        return "check the free space under " + layout.installDir() + " and in /tmp on the host, and that the bundle "
                + bundle + " is complete (rebuild it with ./build -pl engine-agent -am package -DskipTests)";
    }

    /**
     * The command (run as root) that prints the digest of the bundle the host has, or nothing; while a first boot checks
     * its bundle disk's digest, it waits (at most 45 s, within the checks batch's minute), so that a disk that fails the
     * check leaves nothing installed and the bundle is sent over SSH. It then tells the first boot's copy to go on.
     */
    static String installedChecksumCommand(EngineLayout layout) {
        String looked = EngineLayout.FIRST_BOOT_LOOKED_MARKER;
        return "i=0; while [ -e " + quote(EngineLayout.FIRST_BOOT_CHECK_MARKER) + " ] && [ $i -lt 450 ]; do sleep 0.1; i=$((i + 1)); done; "
                + "[ ! -d " + quote(looked.substring(0, looked.lastIndexOf('/'))) + " ] || touch " + quote(looked) + "; "
                + "cat " + quote(layout.bundleChecksumFile()) + " 2>/dev/null";
    }
}
