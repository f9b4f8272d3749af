package io.jmachine.engine.container;

import io.jmachine.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Docker's {@code oom} event and {@code State.OOMKilled}, from the OOM kill counter of the container's cgroup.
 * While a container runs, each rise of the counter is announced as it happens (a child taken by the OOM
 * killer shows while PID 1 lives on); at its end the counter is read once more, before the runtime's
 * {@code delete} takes the cgroup, and any kill not yet announced is, so that {@code oom} always comes
 * before {@code die}. OOMKilled is then whether the run had any kill, whatever the exit code, as dockerd.
 */
final class OomReports {

    private static final Logger LOG = LoggerFactory.getLogger(OomReports.class);

    /** Where the kills are counted: the container's cgroup (the runtime makes a fresh one for each start). */
    interface Counters {
        /** OOM kills in the container's cgroup during this run; empty when it has none (gone, or never made). */
        OptionalLong oomKills(String id);

        /** Runs {@code onChange} on another thread whenever the counter may have changed, until closed. */
        AutoCloseable watchOomKills(String id, Runnable onChange) throws IOException;
    }

    /** Pauses between re-reads of the counter after a notification that did not show a kill yet. */
    private static final long[] RECHECK_MILLIS = {10, 40, 150, 300, 500};

    private final Counters counters;
    private final EventBus events;
    private final Function<String, Map<String, String>> eventAttributes;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    /** @param eventAttributes what an event says about a container, by ID (it may have been renamed since it started) */
    OomReports(Counters counters, EventBus events, Function<String, Map<String, String>> eventAttributes) {
        this.counters = counters;
        this.events = events;
        this.eventAttributes = eventAttributes;
    }

    /** One run of a container: the kills announced so far, and the kernel's notifications. */
    private static final class Run {
        long announced;
        boolean ended;
        AutoCloseable watch;
    }

    /**
     * After a start, or after an engine restart for a container that still runs: kills are announced as they
     * happen, those of the time without an engine at once. Without notifications the end still reports them.
     */
    void watch(String id) {
        Run run = new Run();
        Run previous = runs.put(id, run);
        if (previous != null) {
            stop(id, previous);
        }
        try {
            AutoCloseable watch = counters.watchOomKills(id, () -> announceOnceCounted(id, run));
            synchronized (run) {
                if (run.ended) {
                    closeQuietly(id, watch);
                } else {
                    run.watch = watch;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("no OOM notifications for container {} ({}); its OOM kills are reported when it ends", shortId(id), e.getMessage());
        }
        announce(id, run);
    }

    /**
     * The container ended: announces kills not yet announced and stops watching. Call it before anything
     * removes the cgroup.
     *
     * @return whether the OOM killer took a process from the container during this run (Docker's OOMKilled)
     */
    boolean ended(String id) {
        Run run = runs.remove(id);
        if (run == null) {
            // never watched: a container that ended while no engine ran, seen at recovery
            run = new Run();
        }
        announce(id, run);
        stop(id, run);
        synchronized (run) {
            return run.announced > 0;
        }
    }

    /** The container is gone without an end (removed while its exit was lost): stop watching it. */
    void forget(String id) {
        Run run = runs.remove(id);
        if (run != null) {
            stop(id, run);
        }
    }

    void closeAll() {
        runs.keySet().forEach(this::forget);
    }

    /**
     * On a notification: v1 signals when the cgroup goes out of memory, which can be before the killer has picked
     * and counted its victim, so the counter is read again a few times over a second until it shows the kill.
     * This runs on the watch's own thread.
     */
    private void announceOnceCounted(String id, Run run) {
        for (long wait : RECHECK_MILLIS) {
            if (announce(id, run)) {
                return;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        announce(id, run);
    }

    /**
     * Publishes one {@code oom} event when the counter rose since the last; under the run's lock, so that none comes
     * after the end. Whether there is nothing more to look for: a kill announced, the run over, or no counter to read.
     */
    private boolean announce(String id, Run run) {
        synchronized (run) {
            if (run.ended) {
                return true;
            }
            OptionalLong kills;
            try {
                kills = counters.oomKills(id);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the OOM kills of container {}: {}", shortId(id), e.getMessage());
                return true;
            }
            if (kills.isEmpty()) {
                return true;
            }
            if (kills.getAsLong() > run.announced) {
                run.announced = kills.getAsLong();
                events.publish("container", "oom", id, eventAttributes.apply(id));
                return true;
            }
            return false;
        }
    }

    private static void stop(String id, Run run) {
        AutoCloseable watch;
        synchronized (run) {
            run.ended = true;
            watch = run.watch;
            run.watch = null;
        }
        if (watch != null) {
            closeQuietly(id, watch);
        }
    }

    private static void closeQuietly(String id, AutoCloseable watch) {
        try {
            watch.close();
        } catch (Exception e) {
            LOG.warn("cannot stop the OOM notifications of container {}: {}", shortId(id), e.getMessage());
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
