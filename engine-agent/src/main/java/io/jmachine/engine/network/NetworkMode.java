package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;

/**
 * Where a container's network lives: Docker's {@code HostConfig.NetworkMode}. Sealed so that the later
 * user networks (another {@link Bridge} name) and {@code container:<id>} join as new cases the compiler
 * makes every switch handle.
 */
public sealed interface NetworkMode {

    /** The name Docker reports in {@code HostConfig.NetworkMode}. */
    String name();

    /** On a bridge network (the default one or a user-defined one, by name or ID): its own namespace with eth0 on it, and lo. */
    record Bridge(String name) implements NetworkMode {
    }

    /** Its own namespace with only lo. */
    record None() implements NetworkMode {
        @Override
        public String name() {
            return "none";
        }
    }

    /** The host's namespace: no isolation, nothing to set up or tear down. */
    record Host() implements NetworkMode {
        @Override
        public String name() {
            return "host";
        }
    }

    String DEFAULT_BRIDGE = "bridge";

    static NetworkMode defaultBridge() {
        return new Bridge(DEFAULT_BRIDGE);
    }

    /**
     * Reads {@code HostConfig.NetworkMode} ("" and "default" mean the default bridge, as in Docker). Any other
     * name is taken for a network's; whether it exists is the network registry's to say.
     */
    static NetworkMode parse(String mode) {
        if (mode == null || mode.isEmpty() || mode.equals("default") || mode.equals(DEFAULT_BRIDGE)) {
            return defaultBridge();
        }
        return switch (mode) {
            case "none" -> new None();
            case "host" -> new Host();
            default -> {
                if (mode.startsWith("container:")) {
                    throw EngineException.invalid("network mode " + mode + " is not supported yet: use bridge, none or host");
                }
                // a user-defined network's name or ID: the registry resolves it, with Docker's 404 if there is none
                yield new Bridge(mode);
            }
        };
    }
}
