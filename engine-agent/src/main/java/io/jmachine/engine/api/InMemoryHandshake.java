package io.jmachine.engine.api;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/** A TLS handshake between two SSLEngines of this process, their records handed over in memory. */
final class InMemoryHandshake {

    /** A TLS 1.3 handshake takes 3 flights; a bound keeps a stuck one from spinning. */
    private static final int MAX_ROUNDS = 20;
    /** What each side wraps: no application data, only its handshake records (an empty buffer never changes). */
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine client;
    private final SSLEngine server;

    InMemoryHandshake(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
    }

    /** @throws SSLException as either side ends the handshake with an alert */
    void run() throws SSLException {
        ByteBuffer toServer = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer toClient = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
        ByteBuffer clientApp = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        ByteBuffer serverApp = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS && !(finished(client) && finished(server)); round++) {
            step(client, toServer, serverApp, server);
            step(server, toClient, clientApp, client);
        }
    }

    /** What {@code from} has to send, wrapped and unwrapped by {@code to}. */
    private static void step(SSLEngine from, ByteBuffer wire, ByteBuffer app, SSLEngine to) throws SSLException {
        from.wrap(NOTHING, wire);
        runTasks(from);
        wire.flip();
        while (wire.hasRemaining()) {
            int before = wire.remaining();
            to.unwrap(wire, app);
            runTasks(to);
            app.clear();
            if (wire.remaining() == before) {
                break; // a partial record: the rest comes with the next wrap
            }
        }
        wire.compact();
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static boolean finished(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.FINISHED || status == HandshakeStatus.NOT_HANDSHAKING;
    }
}
