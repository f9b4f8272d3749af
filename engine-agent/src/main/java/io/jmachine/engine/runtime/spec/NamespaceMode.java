package io.jmachine.engine.runtime.spec;

import java.nio.file.Path;

/** How a container gets one kind of namespace: a new one of its own, the host's, or one that already exists. */
public sealed interface NamespaceMode {

    /** A new, empty namespace (for the network: Docker's {@code --network none} before any interface is added). */
    record Private() implements NamespaceMode {
    }

    /** The engine's own namespace ({@code --network host}, {@code --pid host}…): no namespace entry in the spec. */
    record Host() implements NamespaceMode {
    }

    /** An existing namespace file, e.g. a netns made by the network service or {@code /proc/PID/ns/ipc} of another container. */
    record Join(Path path) implements NamespaceMode {
        public Join {
            if (path == null || !path.isAbsolute()) {
                throw new IllegalArgumentException("a namespace to join needs an absolute path, got " + path);
            }
        }
    }

    NamespaceMode PRIVATE = new Private();
    NamespaceMode HOST = new Host();
}
