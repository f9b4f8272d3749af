package io.jmachine.engine.network;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * An attach in two halves: the namespace exists (the runtime can create the container in it), and
 * {@link #finish} sets up its interfaces, which may run meanwhile, on another thread.
 *
 * @param netnsPath the container's network namespace; null when it shares the host's
 */
public record PendingAttachment(Path netnsPath, Supplier<NetworkAttachment> rest) {

    static PendingAttachment done(NetworkAttachment attachment) {
        return new PendingAttachment(attachment.netnsPath(), () -> attachment);
    }

    /** The interfaces, addresses and routes; a failure has undone the whole attach, namespace included. */
    public NetworkAttachment finish() {
        return rest.get();
    }
}
