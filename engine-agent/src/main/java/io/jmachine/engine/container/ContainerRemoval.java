package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;

/** Docker's rm: the record goes at once, and what the container held is freed behind it. */
final class ContainerRemoval {

    private final ContainerStore store;
    private final ImageAccess images;
    private final ContainerNetworking networking;
    private final ContainerVolumes volumes;
    private final ContainerPorts ports;
    private final ContainerProcesses processes;
    private final EventBus events;
    private final ContainerRunner runner;
    private final ContainerStops stops;
    private final ExitSignals signals;
    private final ContainerCleanup cleanup;

    ContainerRemoval(ContainerStore store, ImageAccess images, ContainerNetworking networking, ContainerVolumes volumes,
                     ContainerPorts ports, ContainerProcesses processes, EventBus events, ContainerRunner runner,
                     ContainerStops stops, ExitSignals signals, ContainerCleanup cleanup) {
        this.stops = stops;
        this.store = store;
        this.images = images;
        this.networking = networking;
        this.volumes = volumes;
        this.ports = ports;
        this.processes = processes;
        this.events = events;
        this.runner = runner;
        this.signals = signals;
        this.cleanup = cleanup;
    }

    /**
     * Docker's rm: 409 for a running container unless forced; returns once the root filesystem, network and
     * monitor are freed, so that nothing of it is left when the client goes on.
     */
    void remove(String idOrName, boolean force, boolean removeVolumes) {
        String id = removeRecord(idOrName, force, removeVolumes);
        if (id != null) {
            cleanup.await(id);
        }
    }

    /** Removes the record now and queues the freeing of its resources; returns the ID, or null if it was gone. */
    String removeRecord(String idOrName, boolean force, boolean removeVolumes) {
        ContainerRecord record = store.resolve(idOrName);
        String id = record.id();
        if (record.state().isAlive()) {
            if (!force) {
                String procedure = "Stop the container before attempting removal or force remove";
                throw EngineException.conflict("You cannot remove a " + record.state().status() + " container " + id + ". "
                        + (record.state().paused() ? "Unpause and then " + procedure.toLowerCase(java.util.Locale.ROOT) : procedure));
            }
            // a restarting container stops restarting; a running one is killed and its exit handled before this returns
            stops.kill(id, "KILL");
        }
        int lastExit;
        synchronized (runner.lock(id)) {
            record = store.byId(id);
            if (record == null) {
                return null;
            }
            if (record.state().isAlive() && processes.isRunning(id)) {
                throw EngineException.conflict("cannot remove container \"/" + record.name() + "\": it did not stop; try again");
            }
            ports.unpublish(id);
            store.deleteRecord(id);
            lastExit = record.state().exitCode();
            forgetResources(id, record.network());
        }
        volumes.removed(id, record.mountPoints(), removeVolumes);
        runner.forget(id);
        events.publish("container", "destroy", id, record.eventAttributes());
        signals.removed(id, lastExit);
        return id;
    }

    /** Queues the freeing of everything a removed container had; its record is already gone. */
    void forgetResources(String id, ContainerRecord.NetworkAttachment network) {
        cleanup.after(id, "release", () -> processes.release(id));
        if (network != null) {
            cleanup.after(id, "network detach", () -> networking.detach(id, network));
        }
        cleanup.after(id, "network requests removal", () -> networking.forget(id));
        cleanup.after(id, "root filesystem removal", () -> images.removeRootfs(id));
        cleanup.after(id, "folder removal", () -> store.deleteFolder(id));
    }
}
