package io.jmachine.provisioner.install;

import java.time.Duration;

/**
 * One named step of provisioning a host. Steps run in order; when one fails, the steps already done are undone
 * in reverse order, and when all succeed each is committed (it drops what it kept for its undo).
 */
public interface InstallStep {

    /** What the step does, as progress and errors show it: "upload the engine bundle". */
    String name();

    Duration timeout();

    void run() throws Exception;

    /** What the user can do when the step fails. */
    String remedy();

    /** Puts the host back as it was before {@link #run()}, as far as that is possible. */
    default void undo() throws Exception {
    }

    /** Called once every step has succeeded. */
    default void commit() throws Exception {
    }
}
