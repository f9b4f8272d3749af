package io.jmachine.cli.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An OpenSSH sshd of the test's own on a free 127.0.0.1 port: its own host key, config and authorized_keys in a
 * temp folder, root logins by key only. The system's sshd and its config are not touched.
 */
public final class PrivateSshd implements AutoCloseable {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    /** sshd refuses to start without its privilege separation folder. */
    private static final Path PRIVSEP = Path.of("/run/sshd");

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean madePrivsep;

    private PrivateSshd(Path dir, int port, Process process, boolean madePrivsep) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.madePrivsep = madePrivsep;
    }

    public static PrivateSshd start(Path dir) throws Exception {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: install openssh-server (scripts/install-host-packages.sh does)");
        }
        Files.createDirectories(dir);
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("client_key"));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port = freePort();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                ""));
        boolean madePrivsep = !Files.isDirectory(PRIVSEP);
        if (madePrivsep) {
            Files.createDirectories(PRIVSEP);
        }
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        PrivateSshd sshd = new PrivateSshd(dir, port, process, madePrivsep);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!sshd.answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                sshd.close();
                throw new IllegalStateException("the test sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
            }
            Thread.sleep(50);
        }
        return sshd;
    }

    private static void keygen(Path key) throws Exception {
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jmachine-it", "-f", key.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + output);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return dir.resolve("client_key");
    }

    /** The host's public key line, as known_hosts holds it after the type. */
    public String hostPublicKey() throws IOException {
        return Files.readString(dir.resolve("host_key.pub")).strip();
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        if (madePrivsep) {
            try (var children = Files.list(PRIVSEP)) {
                if (children.findAny().isEmpty()) {
                    Files.delete(PRIVSEP);
                }
            }
        }
    }
}
