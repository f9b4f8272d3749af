package io.jmachine.drivers.generic;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.SshEndpoint;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * Adopts a host that already runs, reached over SSH (Docker Machine's generic driver). jmachine provisions
 * the engine on it; it never starts, stops or deletes the host itself.
 */
public final class GenericDriver implements Driver {

    public static final String NAME = "generic";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /**
     * machine.json's "Driver" object, with Docker Machine's names.
     *
     * @param sshKey     the key the user gave
     * @param sshKeyPath the machine's copy of it in the store, which jmachine uses
     */
    public record Settings(@JsonProperty("MachineName") String machineName,
                           @JsonProperty("IPAddress") String ipAddress,
                           @JsonProperty("SSHUser") String sshUser,
                           @JsonProperty("SSHPort") int sshPort,
                           @JsonProperty("SSHKey") String sshKey,
                           @JsonProperty("SSHKeyPath") String sshKeyPath,
                           @JsonProperty("EnginePort") int enginePort,
                           @JsonProperty("StorePath") String storePath) {}

    private final MachineContext context;
    private final Settings settings;

    GenericDriver(MachineContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void preCreateCheck(Progress progress) {
        if (settings.ipAddress() == null || settings.ipAddress().isBlank()) {
            throw new PreCreateCheckException("the generic driver needs --generic-ip-address: the address of the host to adopt");
        }
        checkPort("--generic-ssh-port", settings.sshPort());
        checkPort("--generic-engine-port", settings.enginePort());
        if (settings.sshKey() == null || settings.sshKey().isBlank()) {
            throw new PreCreateCheckException("the generic driver needs --generic-ssh-key: a private key that "
                    + settings.sshUser() + "@" + settings.ipAddress() + " accepts");
        }
        Path key = Path.of(settings.sshKey());
        if (!Files.isReadable(key)) {
            throw new PreCreateCheckException("SSH key " + key + " (--generic-ssh-key) does not exist or cannot be read");
        }
        if (!reachable()) {
            throw new PreCreateCheckException("nothing answers on " + settings.ipAddress() + ":" + settings.sshPort()
                    + " (SSH): check --generic-ip-address and --generic-ssh-port, and that sshd runs there");
        }
    }

    private static void checkPort(String flag, int port) {
        if (port < 1 || port > 65535) {
            throw new PreCreateCheckException(flag + " " + port + " is out of range 1-65535");
        }
    }

    /** Takes a copy of the user's key, so that the machine keeps working if the original moves. */
    @Override
    public void create(Progress progress) {
        try {
            Files.createDirectories(context.machineDir());
            copyPrivate(Path.of(settings.sshKey()), context.sshKey());
            Path publicKey = Path.of(settings.sshKey() + ".pub");
            if (Files.isReadable(publicKey)) {
                Files.copy(publicKey, context.sshPublicKey(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DriverException("cannot copy SSH key " + settings.sshKey() + " into " + context.machineDir() + ": " + e.getMessage(), e);
        }
    }

    private static void copyPrivate(Path from, Path to) throws IOException {
        Path temp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, Files.readAllBytes(from));
        Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void start(Progress progress) {
        throw notItsHost("start");
    }

    @Override
    public void stop(Progress progress) {
        throw notItsHost("stop");
    }

    @Override
    public void kill() {
        throw notItsHost("kill");
    }

    @Override
    public void restart(Progress progress) {
        throw notItsHost("restart");
    }

    private DriverException notItsHost(String verb) {
        return new DriverException("the generic driver does not " + verb + " hosts it adopted (" + settings.ipAddress()
                + "); do that on the host itself, then run `jmachine provision " + settings.machineName() + "` to restart its engine");
    }

    /** The host is the user's: nothing to delete (jmachine stops the engine it installed before this). */
    @Override
    public void remove() {
    }

    /** As Docker Machine: Running when SSH answers, Stopped when nothing does. */
    @Override
    public MachineState state() {
        return reachable() ? MachineState.RUNNING : MachineState.STOPPED;
    }

    private boolean reachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.ipAddress(), settings.sshPort()), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public URI engineUrl() {
        String host = settings.ipAddress().contains(":") ? "[" + settings.ipAddress() + "]" : settings.ipAddress();
        return URI.create("tcp://" + host + ":" + settings.enginePort());
    }

    @Override
    public String ipAddress() {
        return settings.ipAddress();
    }

    @Override
    public Optional<SshEndpoint> ssh() {
        return Optional.of(new SshEndpoint(settings.ipAddress(), settings.sshPort(), settings.sshUser(), Path.of(settings.sshKeyPath())));
    }

    @Override
    public boolean wantsGeneratedSshKey() {
        return false;
    }

    @Override
    public boolean ownsHost() {
        return false;
    }

    @Override
    public Settings settings() {
        return settings;
    }
}
