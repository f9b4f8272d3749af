package io.jmachine.drivers.none;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.SshEndpoint;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** Records an engine that already runs somewhere; jmachine creates, starts, provisions and removes nothing. */
public final class NoneDriver implements Driver {

    public static final String NAME = "none";

    /** machine.json's "Driver" object, with Docker Machine's names. */
    public record Settings(@JsonProperty("URL") String url, @JsonProperty("IPAddress") String ipAddress) {}

    private final URI engineUrl;

    public NoneDriver(URI engineUrl) {
        this.engineUrl = Objects.requireNonNull(engineUrl, "engineUrl");
        if (!"tcp".equals(engineUrl.getScheme()) || engineUrl.getHost() == null || engineUrl.getPort() < 0) {
            throw new IllegalArgumentException("the none driver needs an engine URL of the form tcp://HOST:PORT, got " + engineUrl);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void preCreateCheck(Progress progress) {
        // the constructor already refused a bad URL; whether an engine answers there is the user's affair
    }

    @Override
    public void create(Progress progress) {
    }

    @Override
    public void start(Progress progress) {
        throw unmanaged("start");
    }

    @Override
    public void stop(Progress progress) {
        throw unmanaged("stop");
    }

    @Override
    public void kill() {
        throw unmanaged("kill");
    }

    @Override
    public void restart(Progress progress) {
        throw unmanaged("restart");
    }

    @Override
    public void remove() {
    }

    @Override
    public URI engineUrl() {
        return engineUrl;
    }

    @Override
    public String ipAddress() {
        return engineUrl.getHost();
    }

    /** Nothing is managed, so nothing can be known without asking the engine: the machine counts as running. */
    @Override
    public MachineState state() {
        return MachineState.RUNNING;
    }

    @Override
    public Optional<SshEndpoint> ssh() {
        return Optional.empty();
    }

    @Override
    public boolean wantsGeneratedSshKey() {
        return false;
    }

    /** Nothing was installed, so nothing is to be undone on the host. */
    @Override
    public boolean ownsHost() {
        return true;
    }

    @Override
    public Settings settings() {
        return new Settings(engineUrl.toString(), ipAddress());
    }

    private static DriverException unmanaged(String verb) {
        return new DriverException("the none driver manages no host, so it cannot " + verb + " one; do that where the engine runs");
    }
}
