package io.jmachine.engine.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Publishes engine events to `docker events` subscribers, and keeps the last {@link #HISTORY} so that
 * `--since` can replay them, as dockerd does.
 */
public final class EventBus {

    /** As dockerd's eventsLimit: each kept event costs heap for as long as the engine runs. */
    static final int HISTORY = 256;

    private final Clock clock;
    private final Deque<EngineEvent> history = new ArrayDeque<>();
    private final List<Consumer<EngineEvent>> subscribers = new CopyOnWriteArrayList<>();

    public EventBus(Clock clock) {
        this.clock = clock;
    }

    public void publish(String type, String action, String id, Map<String, String> attributes) {
        EngineEvent event = EngineEvent.of(type, action, id, attributes, clock.instant());
        synchronized (history) {
            history.addLast(event);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        for (Consumer<EngineEvent> subscriber : subscribers) {
            subscriber.accept(event);
        }
    }

    /** Subscribes, and returns the kept events at or after {@code sinceNanos} (0 for none) to replay first. */
    public List<EngineEvent> subscribe(Consumer<EngineEvent> subscriber, long sinceNanos) {
        synchronized (history) {
            subscribers.add(subscriber);
            List<EngineEvent> replay = new ArrayList<>();
            if (sinceNanos > 0) {
                for (EngineEvent event : history) {
                    if (event.timeNano() >= sinceNanos) {
                        replay.add(event);
                    }
                }
            }
            return replay;
        }
    }

    public void unsubscribe(Consumer<EngineEvent> subscriber) {
        subscribers.remove(subscriber);
    }
}
