package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.jmachine.provisioner.ssh.ShellQuoting.quote;

/**
 * Puts files where only root may write: they go first into a private folder of the login user (over SFTP),
 * then `install` copies them into place as root with their final mode, so no key is ever readable by others.
 */
final class RemoteFiles {

    /** A file to put on the host; {@code mode} as octal digits, e.g. "0600". */
    record RemoteFile(String path, byte[] content, String mode) {}

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final SshClient ssh;

    RemoteFiles(SshClient ssh) {
        this.ssh = ssh;
    }

    /** A new private folder of the login user, for staging. */
    String stagingDir() {
        return ssh.run("mktemp -d /tmp/jmachine.XXXXXXXX", COMMAND_TIMEOUT).orThrow("making a staging folder").stdout().strip();
    }

    void removeStagingDir(String dir) {
        ssh.run("rm -rf " + quote(dir), COMMAND_TIMEOUT);
    }

    /** Whether the host has each file already, with the same content (mode and owner are not compared). */
    boolean unchanged(List<RemoteFile> files) {
        return unchanged(files, ssh.runAsRoot(digestsCommand(files), COMMAND_TIMEOUT));
    }

    /** The command (run as root) whose answer {@link #unchanged(List, CommandResult)} reads. */
    static String digestsCommand(List<RemoteFile> files) {
        StringBuilder command = new StringBuilder("sha256sum");
        for (RemoteFile file : files) {
            command.append(' ').append(quote(file.path()));
        }
        return command + " 2>/dev/null";
    }

    /** Whether {@code result}, the answer to {@link #digestsCommand}, shows each file with the same content. */
    static boolean unchanged(List<RemoteFile> files, CommandResult result) {
        if (!result.ok()) {
            return false;
        }
        java.util.Map<String, String> remote = new java.util.HashMap<>();
        for (String line : result.stdout().split("\n")) {
            String[] fields = line.strip().split("\\s+", 2);
            if (fields.length == 2) {
                remote.put(fields[1], fields[0]);
            }
        }
        for (RemoteFile file : files) {
            if (!sha256(file.content()).equals(remote.get(file.path()))) {
                return false;
            }
        }
        return true;
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    void install(List<RemoteFile> files) {
        String staging = stagingDir();
        try {
            StringBuilder command = new StringBuilder("set -e");
            int index = 0;
            for (RemoteFile file : files) {
                String staged = staging + "/" + index++;
                ssh.upload(file.content(), staged, 0600);
                command.append("; install -D -m ").append(file.mode()).append(' ').append(quote(staged)).append(' ').append(quote(file.path()));
            }
            ssh.runAsRoot(command.toString(), COMMAND_TIMEOUT).orThrow("installing " + files.stream().map(RemoteFile::path).toList());
        } finally {
            removeStagingDir(staging);
        }
    }

    /** Uploads a local file into a new staging folder; returns the staged path (remove its folder when done). */
    String stage(Path local, Progress progress) {
        String staging = stagingDir();
        String staged = staging + "/" + local.getFileName();
        ssh.upload(local, staged, progress);
        return staged;
    }
}
