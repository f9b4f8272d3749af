package io.jmachine.engine.container;

import io.jmachine.engine.filters.FilterRules;
import io.jmachine.engine.filters.Filters;

import io.jmachine.engine.volume.MountPoint;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code docker ps --filter} keys over container records, with dockerd's rules for their values; {@code before}
 * and {@code since} name a container that must exist (404 otherwise).
 */
public final class ContainerFilters {

    private static final Pattern PORT_RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([a-z]+))?");
    private static final String PORT_ADVICE = "use a port or a range with an optional protocol, such as 80, 8000-8080 or 53/udp";

    public static final FilterRules LIST = FilterRules.keys("id", "name", "label", "ancestor", "before", "since", "network", "volume")
            .oneOf("status", "state", List.of("created", "running", "paused", "restarting", "removing", "exited", "dead"))
            .oneOf("health", "health", List.of("none", "starting", "healthy", "unhealthy"))
            .bool("is-task")
            .each("exited", value -> value.matches("-?[0-9]{1,9}"), value -> "use an exit code, such as 0 or 137")
            .each("expose", ContainerFilters::isPortRange, value -> PORT_ADVICE)
            .each("publish", ContainerFilters::isPortRange, value -> PORT_ADVICE);

    public static final FilterRules PRUNE = FilterRules.keys("label", "label!").time("until");

    private final Filters filters;
    private final Instant before;
    private final Instant since;

    private ContainerFilters(Filters filters, Instant before, Instant since) {
        this.filters = filters;
        this.before = before;
        this.since = since;
    }

    /** The list filters, checked; {@code resolve} finds the containers {@code before} and {@code since} name. */
    public static ContainerFilters forList(Filters filters, Function<String, ContainerRecord> resolve) {
        LIST.check(filters);
        Instant before = filters.get("before").stream().map(resolve).map(ContainerRecord::created)
                .min(Instant::compareTo).orElse(Instant.MAX);
        Instant since = filters.get("since").stream().map(resolve).map(ContainerRecord::created)
                .max(Instant::compareTo).orElse(Instant.MIN);
        return new ContainerFilters(filters, before, since);
    }

    /** One of a container's ports as ps shows it: expose matches the private port, publish the public one (null if none). */
    public record Port(int privatePort, Integer publicPort, String protocol) {
    }

    /** Whether ps lists the record; {@code ports} are those its summary shows. */
    public boolean matches(ContainerRecord record, List<Port> ports) {
        return record.created().isBefore(before) && record.created().isAfter(since)
                && anyOrEmpty("id", v -> record.id().startsWith(v))
                && anyOrEmpty("name", v -> record.name().contains(v.startsWith("/") ? v.substring(1) : v))
                && anyOrEmpty("status", v -> record.state().status().name().equals(v))
                && anyOrEmpty("exited", v -> record.state().status().name().equals("exited")
                        && String.valueOf(record.state().exitCode()).equals(v))
                && anyOrEmpty("ancestor", v -> v.equals(record.imageRef()) || record.image().startsWith(v)
                        || record.image().startsWith("sha256:" + v))
                && anyOrEmpty("health", v -> record.state().healthFilterValue().equals(v))
                // no swarm here: no container is a task
                && !filters.bool("is-task").orElse(false)
                && anyOrEmpty("network", v -> onNetwork(record, v))
                && anyOrEmpty("volume", v -> record.mountPoints().stream().anyMatch(m -> mounts(m, v)))
                && anyOrEmpty("expose", v -> ports.stream().anyMatch(p -> inRange(v, p.privatePort(), p.protocol())))
                && anyOrEmpty("publish", v -> ports.stream().anyMatch(p -> inRange(v, p.publicPort(), p.protocol())))
                && filters.matchesLabels(record.config().labels());
    }

    private static boolean onNetwork(ContainerRecord record, String network) {
        if (record.network() == null) {
            return record.hostConfig() != null && network.equals(record.hostConfig().networkMode());
        }
        return record.network().networks().stream()
                .anyMatch(endpoint -> network.equals(endpoint.name()) || endpoint.networkId() != null && endpoint.networkId().startsWith(network));
    }

    private static boolean mounts(MountPoint mount, String volume) {
        String name = mount.name() == null || mount.name().isEmpty() ? mount.source() : mount.name();
        return volume.equals(mount.destination()) || volume.equals(name);
    }

    private static boolean isPortRange(String value) {
        Matcher range = PORT_RANGE.matcher(value);
        if (!range.matches()) {
            return false;
        }
        int start = Integer.parseInt(range.group(1));
        int end = range.group(2) == null ? start : Integer.parseInt(range.group(2));
        return start <= end && end <= 65535;
    }

    private static boolean inRange(String filter, Integer port, String protocol) {
        if (port == null) {
            return false;
        }
        Matcher range = PORT_RANGE.matcher(filter);
        range.matches();
        int start = Integer.parseInt(range.group(1));
        int end = range.group(2) == null ? start : Integer.parseInt(range.group(2));
        String wanted = range.group(3) == null ? "tcp" : range.group(3);
        return port >= start && port <= end && wanted.equals(protocol);
    }

    private boolean anyOrEmpty(String key, Predicate<String> test) {
        List<String> wanted = filters.get(key);
        return wanted.isEmpty() || wanted.stream().anyMatch(test);
    }
}
