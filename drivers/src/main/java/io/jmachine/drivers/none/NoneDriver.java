package io.jmachine.drivers.none;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.MachineState;

import java.net.URI;
import java.util.Objects;

/** Records an engine that already runs somewhere; jmachine creates, starts and removes nothing. */
public final class NoneDriver implements Driver {

    public static final String NAME = "none";

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
    public URI engineUrl() {
        return engineUrl;
    }

    /** Nothing is managed, so nothing can be known without asking the engine: the machine counts as running. */
    @Override
    public MachineState state() {
        return MachineState.RUNNING;
    }
}
