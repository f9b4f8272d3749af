package io.jmachine.drivers;

import java.net.URI;

/**
 * What jmachine needs of a place that runs machines. One instance drives one machine.
 * Lifecycle verbs (create, start, stop, kill, remove, SSH endpoint) join this interface with
 * the drivers that need them; every driver can say where its engine answers and in what state it is.
 */
public interface Driver {

    /** The name users pass to `create -d`. */
    String name();

    /** The engine's URL, e.g. {@code tcp://127.0.0.1:42376}. */
    URI engineUrl();

    MachineState state();
}
