package io.jmachine.engine.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `docker events` for containers, from a point in time, kept in the background: which containers an engine
 * ran (so that a leak check knows their IDs) and what happened to each.
 */
public final class ContainerEvents implements AutoCloseable {

    /** One event: the container's full ID and Docker's action (create, start, die, destroy…). */
    public record Event(String id, String action) {}

    private final Process process;
    private final List<Event> events = new ArrayList<>();

    private ContainerEvents(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::read);
    }

    /** Events since {@code since} (replayed by the engine, so none is missed between start and subscription). */
    public static ContainerEvents since(Map<String, String> dockerEnv, Instant since) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("docker", "events", "--since", String.valueOf(since.getEpochSecond()),
                "--filter", "type=container", "--format", "{{.Actor.ID}} {{.Action}}")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().putAll(dockerEnv);
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        return new ContainerEvents(builder.start());
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    synchronized (events) {
                        events.add(new Event(line.substring(0, space), line.substring(space + 1)));
                        events.notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // the engine or the stream went away
        }
    }

    public List<Event> all() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public Set<String> containerIds() {
        Set<String> ids = new LinkedHashSet<>();
        all().forEach(e -> ids.add(e.id()));
        return ids;
    }

    /** The actions of one container, in order. */
    public List<String> actions(String id) {
        return all().stream().filter(e -> e.id().equals(id)).map(Event::action).toList();
    }

    /** Waits until {@code id} has had {@code action} {@code times} times; false on timeout. */
    public boolean await(String id, String action, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.stream().filter(e -> e.id().equals(id) && e.action().equals(action)).count() < times) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
