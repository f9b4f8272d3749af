package io.jmachine.cli;

import io.jmachine.cli.testing.PrivateSshd;
import io.jmachine.drivers.RecordingProgress;
import io.jmachine.drivers.SshEndpoint;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.HostKeyMismatchException;
import io.jmachine.provisioner.ssh.SshClient;
import io.jmachine.provisioner.ssh.SshException;
import io.jmachine.provisioner.ssh.SshWaiter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provisioner's SSH client (JSch) against a real OpenSSH sshd on loopback. */
class SshClientIT {

    @TempDir
    static Path dir;

    private static PrivateSshd sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = PrivateSshd.start(dir.resolve("sshd"));
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    private static SshEndpoint endpoint() {
        return new SshEndpoint("127.0.0.1", sshd.port(), "root", sshd.clientKey());
    }

    @Test
    void runsCommandsWithOutputAndExitStatusAndPinsTheHostKeyOnFirstUse() throws Exception {
        Path knownHosts = dir.resolve("first/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        try (SshClient ssh = SshClient.connect(endpoint(), knownHosts, Duration.ofSeconds(10))) {
            CommandResult result = ssh.run("echo out; echo err >&2; exit 3", Duration.ofSeconds(10));
            assertEquals(3, result.exitCode());
            assertEquals("out\n", result.stdout());
            assertEquals("err\n", result.stderr());
            var failed = assertThrows(SshException.class, () -> result.orThrow("the test command"));
            assertTrue(failed.getMessage().contains("exit status 3") && failed.getMessage().contains("err"), failed.getMessage());
            assertFalse(ssh.needsSudo());
            assertEquals("0\n", ssh.runAsRoot("id -u", Duration.ofSeconds(10)).stdout());
        }
        String pinned = Files.readString(knownHosts);
        String hostKey = sshd.hostPublicKey().split(" ")[1];
        assertEquals("[127.0.0.1]:" + sshd.port() + " ssh-ed25519 " + hostKey + "\n", pinned);
        try (SshClient again = SshClient.connect(endpoint(), knownHosts, Duration.ofSeconds(10))) {
            assertTrue(again.run("true", Duration.ofSeconds(10)).ok(), "the pinned key is accepted");
        }
        assertEquals(pinned, Files.readString(knownHosts), "nothing is added for a known host");
    }

    @Test
    void aHostWithAnotherKeyThanThePinnedOneIsRefused() throws Exception {
        Path knownHosts = dir.resolve("wrong/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        Path other = dir.resolve("wrong/other");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()).start();
        assertEquals(0, keygen.waitFor());
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " " + Files.readString(Path.of(other + ".pub")));
        var e = assertThrows(HostKeyMismatchException.class, () -> SshClient.connect(endpoint(), knownHosts, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("not the one pinned"), e.getMessage());
        var waited = assertThrows(HostKeyMismatchException.class, () -> new SshWaiter(5, Duration.ofSeconds(5), Duration.ofMillis(100))
                .connect(endpoint(), knownHosts, line -> { }));
        assertTrue(waited.getMessage().contains("pinned"), "a mismatch is never retried: " + waited.getMessage());
    }

    @Test
    void uploadsAndDownloadsFilesAndTreesWithModes() throws Exception {
        Path local = dir.resolve("transfer");
        Files.createDirectories(local.resolve("tree/sub"));
        Files.writeString(local.resolve("tree/a.txt"), "a");
        Files.writeString(local.resolve("tree/sub/b.txt"), "b");
        Path remote = dir.resolve("remote");
        Files.createDirectories(remote);
        try (SshClient ssh = SshClient.connect(endpoint(), dir.resolve("transfer/known_hosts"), Duration.ofSeconds(10))) {
            ssh.upload("secret".getBytes(), remote + "/key.pem", 0600);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(remote.resolve("key.pem"))));
            var progress = new RecordingProgress();
            Path big = local.resolve("big.bin");
            Files.write(big, new byte[3_000_000]);
            ssh.upload(big, remote + "/big.bin", progress);
            assertEquals(3_000_000, Files.size(remote.resolve("big.bin")));
            assertTrue(progress.statuses().getLast().startsWith("uploading big.bin: 100%"), progress.text());

            ssh.uploadTree(local.resolve("tree"), remote + "/tree");
            assertEquals("b", Files.readString(remote.resolve("tree/sub/b.txt")));
            assertTrue(ssh.isDirectory(remote + "/tree"));
            assertFalse(ssh.isDirectory(remote + "/nothing-here"));
            ssh.downloadTree(remote + "/tree", local.resolve("back"));
            assertEquals("a", Files.readString(local.resolve("back/a.txt")));
            ssh.download(remote + "/key.pem", local.resolve("key.pem"));
            assertEquals("secret", Files.readString(local.resolve("key.pem")));
        }
    }

    @Test
    void waitingForSshSaysWhyEachAttemptFailedAndGivesUpAfterItsBound() throws Exception {
        int closed = PrivateSshd.freePort();
        var progress = new RecordingProgress();
        var e = assertThrows(SshException.class, () -> new SshWaiter(3, Duration.ofSeconds(2), Duration.ofMillis(100))
                .connect(new SshEndpoint("127.0.0.1", closed, "root", sshd.clientKey()), dir.resolve("known_hosts_w"), progress));
        List<String> attempts = progress.statuses();
        assertEquals(3, attempts.size(), progress.text());
        assertTrue(attempts.get(0).contains("attempt 1/3") && attempts.get(0).toLowerCase().contains("refused"), attempts.get(0));
        assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());

        try (SshClient ssh = new SshWaiter(3, Duration.ofSeconds(5), Duration.ofMillis(100))
                .connect(endpoint(), dir.resolve("known_hosts_ok"), progress)) {
            assertTrue(ssh.run("true", Duration.ofSeconds(5)).ok());
        }
    }
}
