package io.jmachine.engine.ports;

/** One open host port that forwards to a container: a TCP listener or a UDP socket. */
sealed interface Forwarder permits TcpForwarder, UdpForwarder {

    /** The port actually bound (the kernel's choice when 0 was asked for). */
    int hostPort();

    /** Stops listening and ends every connection or session it carries; returns once the port is free. */
    void close();
}
