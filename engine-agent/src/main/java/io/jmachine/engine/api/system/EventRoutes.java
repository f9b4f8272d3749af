package io.jmachine.engine.api.system;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.events.EngineEvent;
import io.jmachine.engine.events.EventBus;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** GET /events: headers flushed at once, then one JSON object per line, replaying --since and stopping at --until. */
public final class EventRoutes {

    private final EventBus bus;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicInteger listeners = new java.util.concurrent.atomic.AtomicInteger();

    public EventRoutes(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    public void register(Router router) {
        router.get("/events", this::events);
    }

    /** The clients following /events now, docker info's NEventsListener. */
    public int listeners() {
        return listeners.get();
    }

    private void events(ApiExchange ex) throws IOException {
        Filters filters = Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper());
        long since = nanos(ex.request().queryParam("since"));
        long until = nanos(ex.request().queryParam("until"));
        LinkedBlockingQueue<EngineEvent> queue = new LinkedBlockingQueue<>(10_000);
        Consumer<EngineEvent> subscriber = queue::offer;
        List<EngineEvent> replay = bus.subscribe(subscriber, since);
        listeners.incrementAndGet();
        try (ResponseStream out = ex.startStream(200, "application/json")) {
            for (EngineEvent event : replay) {
                if (until > 0 && event.timeNano() > until) {
                    return;
                }
                if (matches(event, filters)) {
                    out.writeJsonLine(event);
                }
            }
            while (out.isOpen()) {
                if (until > 0 && clock.instant().toEpochMilli() * 1_000_000 > until) {
                    return;
                }
                EngineEvent event;
                try {
                    event = queue.poll(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // the engine is stopping: end the stream as dockerd does, not as a failure
                    Thread.currentThread().interrupt();
                    return;
                }
                if (event == null) {
                    continue;
                }
                if (until > 0 && event.timeNano() > until) {
                    return;
                }
                if (matches(event, filters)) {
                    out.writeJsonLine(event);
                }
            }
        } finally {
            listeners.decrementAndGet();
            bus.unsubscribe(subscriber);
        }
    }

    private static boolean matches(EngineEvent event, Filters filters) {
        return (filters.get("type").isEmpty() || filters.get("type").contains(event.type()))
                && (filters.get("event").isEmpty() || filters.get("event").contains(event.action()))
                && (filters.get("container").isEmpty() || event.type().equals("container")
                        && (filters.get("container").contains(event.actor().id())
                        || filters.get("container").contains(event.actor().attributes().get("name"))))
                && filters.matchesLabels(event.actor().attributes());
    }

    private static long nanos(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return new BigDecimal(value).movePointRight(9).longValue();
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid time value: " + value);
        }
    }
}
