package io.jmachine.engine.container;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Attach sessions and the containers they wait for. `docker run` attaches before it starts the container:
 * such a session waits here and is connected the moment the container exists, before its process runs,
 * so no output is lost. Sessions to a live container connect at once.
 */
public final class AttachHub {

    private static final Logger LOG = LoggerFactory.getLogger(AttachHub.class);

    /** A client waiting for, or connected to, a container's stdio. */
    public interface Session {
        void connected(ContainerProcesses.Attachment attachment);

        /** The container ended without this session ever connecting. */
        void ended();
    }

    private final ContainerProcesses processes;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Session>> pending = new ConcurrentHashMap<>();

    public AttachHub(ContainerProcesses processes) {
        this.processes = processes;
    }

    public void register(String id, Session session) {
        synchronized (this) {
            if (!live.contains(id)) {
                pending.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(session);
                return;
            }
        }
        connect(id, session);
    }

    public void unregister(String id, Session session) {
        List<Session> waiting = pending.get(id);
        if (waiting != null) {
            waiting.remove(session);
        }
    }

    void containerCreated(String id) {
        List<Session> waiting;
        synchronized (this) {
            live.add(id);
            waiting = pending.remove(id);
        }
        if (waiting != null) {
            waiting.forEach(session -> connect(id, session));
        }
    }

    void containerEnded(String id) {
        List<Session> waiting;
        synchronized (this) {
            live.remove(id);
            waiting = pending.remove(id);
        }
        if (waiting != null) {
            waiting.forEach(Session::ended);
        }
    }

    /** After an engine restart, running containers are live without a create. */
    void markLive(String id) {
        live.add(id);
    }

    private void connect(String id, Session session) {
        try {
            session.connected(processes.attach(id));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot attach to container {}: {}", id, e.getMessage());
            session.ended();
        }
    }
}
