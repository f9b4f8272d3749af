package io.jmachine.provisioner.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.SftpProgressMonitor;
import io.jmachine.drivers.SshEndpoint;
import io.jmachine.drivers.Progress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * One SSH session to a machine's host (JSch): commands with their output and exit status, and file transfers
 * over SFTP. The host key is checked against the machine's known_hosts ({@link PinnedHostKeys}). Not
 * thread-safe: one user at a time.
 */
public final class SshClient implements AutoCloseable {

    private final SshEndpoint endpoint;
    private final Session session;

    private SshClient(SshEndpoint endpoint, Session session) {
        this.endpoint = endpoint;
        this.session = session;
    }

    /**
     * Logs in with the endpoint's key. A host whose key is pinned in {@code knownHosts} must present it;
     * a host with no pinned key is trusted on first use and its key pinned.
     *
     * @throws HostKeyMismatchException when the host presents another key than the pinned one
     */
    public static SshClient connect(SshEndpoint endpoint, Path knownHosts, Duration timeout) {
        JSch jsch = new JSch();
        PinnedHostKeys pinned = new PinnedHostKeys(knownHosts);
        jsch.setHostKeyRepository(pinned);
        try {
            jsch.addIdentity(endpoint.privateKey().toString());
            Session session = jsch.getSession(endpoint.user(), endpoint.host(), endpoint.port());
            session.setConfig("StrictHostKeyChecking", pinned.knows(endpoint.knownHostsName()) ? "yes" : "no");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(15_000);
            session.connect((int) timeout.toMillis());
            return new SshClient(endpoint, session);
        } catch (JSchChangedHostKeyException e) {
            throw new HostKeyMismatchException("the host key of " + where(endpoint) + " is not the one pinned in " + knownHosts
                    + ": another host answers at that address, or the host was reinstalled. If you trust it, delete its line from "
                    + knownHosts + " and try again", e);
        } catch (JSchException e) {
            throw new SshException("cannot log in to " + where(endpoint) + " as " + endpoint.user() + " with key "
                    + endpoint.privateKey() + ": " + e.getMessage(), e);
        }
    }

    private static String where(SshEndpoint endpoint) {
        return endpoint.host() + ":" + endpoint.port();
    }

    public SshEndpoint endpoint() {
        return endpoint;
    }

    /** Whether commands need sudo: the user is not root. */
    public boolean needsSudo() {
        return !"root".equals(endpoint.user());
    }

    /** Runs a shell command line as the login user and waits for it. */
    public CommandResult run(String command, Duration timeout) {
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new SshException("cannot open a command channel to " + where(endpoint) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            channel.setCommand(command);
            channel.setInputStream(new ByteArrayInputStream(new byte[0]));
            channel.setOutputStream(out, true);
            channel.setErrStream(err, true);
            long deadline = System.nanoTime() + timeout.toNanos();
            channel.connect((int) Math.max(1, timeout.toMillis()));
            while (!channel.isClosed()) {
                if (System.nanoTime() > deadline) {
                    throw new SshException("`" + command + "` on " + where(endpoint) + " did not finish within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
            return new CommandResult(command, channel.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (JSchException e) {
            throw new SshException("cannot run `" + command + "` on " + where(endpoint) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("interrupted while running `" + command + "` on " + where(endpoint), e);
        } finally {
            channel.disconnect();
        }
    }

    /** Runs a command line as root: through `sudo -n` when the login user is not root. */
    public CommandResult runAsRoot(String command, Duration timeout) {
        return run(needsSudo() ? "sudo -n sh -c " + ShellQuoting.quote(command) : command, timeout);
    }

    /** Copies a local file to {@code remote} (a path the login user may write), reporting progress every 10%. */
    public void upload(Path local, String remote, Progress progress) {
        withSftp(sftp -> sftp.put(local.toString(), remote, new PercentMonitor(progress, local.getFileName().toString()), ChannelSftp.OVERWRITE),
                "upload " + local + " to " + remote);
    }

    /** Writes bytes to {@code remote} with the given mode (octal, e.g. 0600) set before the content goes in. */
    public void upload(byte[] content, String remote, int mode) {
        withSftp(sftp -> {
            // create empty with the final mode first, so that a key is never readable by others, not even for a moment
            sftp.put(new ByteArrayInputStream(new byte[0]), remote, ChannelSftp.OVERWRITE);
            sftp.chmod(mode, remote);
            sftp.put(new ByteArrayInputStream(content), remote, ChannelSftp.OVERWRITE);
        }, "write " + remote);
    }

    public void download(String remote, Path local) {
        withSftp(sftp -> sftp.get(remote, local.toString()), "download " + remote + " to " + local);
    }

    /** Copies a local folder into {@code remote} (created), as `scp -r`. */
    public void uploadTree(Path localDir, String remote) {
        withSftp(sftp -> putTree(sftp, localDir, remote), "upload " + localDir + " to " + remote);
    }

    /** Copies a remote folder to {@code local} (created), as `scp -r`. */
    public void downloadTree(String remote, Path local) {
        withSftp(sftp -> getTree(sftp, remote, local), "download " + remote + " to " + local);
    }

    /** Whether {@code remote} is a folder on the host. */
    public boolean isDirectory(String remote) {
        boolean[] result = new boolean[1];
        withSftp(sftp -> {
            try {
                result[0] = sftp.stat(remote).isDir();
            } catch (SftpException e) {
                if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    throw e;
                }
            }
        }, "stat " + remote);
        return result[0];
    }

    private static void putTree(ChannelSftp sftp, Path localDir, String remote) throws SftpException, IOException {
        try {
            sftp.mkdir(remote);
        } catch (SftpException e) {
            SftpATTRS attrs = sftp.stat(remote);
            if (!attrs.isDir()) {
                throw e;
            }
        }
        try (Stream<Path> children = Files.list(localDir)) {
            for (Path child : children.sorted().toList()) {
                String target = remote + "/" + child.getFileName();
                if (Files.isDirectory(child)) {
                    putTree(sftp, child, target);
                } else {
                    sftp.put(child.toString(), target, ChannelSftp.OVERWRITE);
                }
            }
        }
    }

    private static void getTree(ChannelSftp sftp, String remote, Path local) throws SftpException, IOException {
        Files.createDirectories(local);
        for (ChannelSftp.LsEntry entry : sftp.ls(remote)) {
            String name = entry.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            if (entry.getAttrs().isDir()) {
                getTree(sftp, remote + "/" + name, local.resolve(name));
            } else if (!entry.getAttrs().isLink()) {
                sftp.get(remote + "/" + name, local.resolve(name).toString());
            }
        }
    }

    private interface SftpAction {
        void run(ChannelSftp sftp) throws SftpException, IOException;
    }

    private void withSftp(SftpAction action, String what) {
        ChannelSftp sftp = null;
        try {
            sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            action.run(sftp);
        } catch (JSchException | SftpException | IOException e) {
            throw new SshException("cannot " + what + " on " + where(endpoint) + ": " + e.getMessage()
                    + (e instanceof JSchException ? " (does the host's sshd offer the sftp subsystem?)" : ""), e);
        } finally {
            if (sftp != null) {
                sftp.disconnect();
            }
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }

    /** Says how far an upload got, every 10 %. */
    private static final class PercentMonitor implements SftpProgressMonitor {
        private final Progress progress;
        private final String name;
        private long total;
        private long done;
        private int lastTenth = -1;

        PercentMonitor(Progress progress, String name) {
            this.progress = progress;
            this.name = name;
        }

        @Override
        public void init(int op, String src, String dest, long max) {
            total = max;
        }

        @Override
        public boolean count(long count) {
            done += count;
            if (total > 0) {
                int tenth = (int) (done * 10 / total);
                if (tenth != lastTenth) {
                    lastTenth = tenth;
                    progress.status(String.format("uploading %s: %d%% of %.1f MB", name, tenth * 10, total / 1e6));
                }
            }
            return true;
        }

        @Override
        public void end() {
        }
    }
}
