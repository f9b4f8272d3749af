package io.jmachine.engine.volume;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Volumes of the {@code local} driver under {@code <data-root>/volumes}: create, inspect, list, remove, prune,
 * with dockerd's rules and wording. A volume that a container mounts (running or not) cannot be removed;
 * while a container is being created the volumes it will mount are held for it, so that a concurrent
 * rm or prune cannot take them between the volume's creation and the container's record.
 */
public final class VolumeService {

    /** What prune removed and how many bytes of data went with it. */
    public record PruneReport(List<String> deleted, long spaceReclaimed) {}

    private static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private final VolumeStore store;
    private final VolumeUsage usage;
    private final EventBus events;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Volume name to the containers being created that will mount it (guarded by this). */
    private final Map<String, Set<String>> held = new HashMap<>();

    private VolumeService(VolumeStore store, VolumeUsage usage, EventBus events, Clock clock) {
        this.store = store;
        this.usage = usage;
        this.events = events;
        this.clock = clock;
    }

    /** Opens (creating if needed) the volumes under {@code dataRoot/volumes}. */
    public static VolumeService open(Path dataRoot, ObjectMapper json, VolumeUsage usage, EventBus events, Clock clock) {
        VolumeStore store = new VolumeStore(dataRoot.resolve("volumes"), json);
        store.load();
        return new VolumeService(store, usage, events, clock);
    }

    /**
     * {@code docker volume create}: an empty name makes an anonymous volume with a random 64-hex name. An
     * existing volume of that name is returned as it is, as dockerd does.
     */
    public synchronized Volume create(String name, String driver, Map<String, String> labels, Map<String, String> options) {
        boolean anonymous = name == null || name.isEmpty();
        String chosen = anonymous ? newName() : name;
        checkName(chosen);
        checkDriver(chosen, driver);
        Optional<Volume> existing = store.get(chosen);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (options != null && !options.isEmpty()) {
            throw EngineException.invalid("create " + chosen + ": the local driver of this engine takes no options yet (got "
                    + String.join(", ", options.keySet()) + "); create the volume without -o/--opt");
        }
        Map<String, String> allLabels = new HashMap<>(labels == null ? Map.of() : labels);
        if (anonymous) {
            allLabels.put(Volume.ANONYMOUS_LABEL, "");
        }
        Volume volume;
        try {
            volume = store.add(new Volume(chosen, Volume.LOCAL_DRIVER, allLabels, Map.of(), clock.instant().truncatedTo(ChronoUnit.SECONDS), null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create volume " + chosen + ": " + e.getMessage(), e);
        }
        events.publish("volume", "create", chosen, Map.of("driver", Volume.LOCAL_DRIVER));
        return volume;
    }

    /**
     * For a container being created: the named volume (made when missing) or a new anonymous one, held for
     * {@code containerId} until {@link #release(String)}.
     */
    public synchronized Volume acquire(String name, String driver, Map<String, String> labels, Map<String, String> options,
                                       String containerId) {
        Volume volume = store.get(name == null ? "" : name).orElseGet(() -> create(name, driver, labels, options));
        held.computeIfAbsent(volume.name(), k -> new LinkedHashSet<>()).add(containerId);
        return volume;
    }

    /** The container's record now names its volumes (or it was never made): its holds end. */
    public synchronized void release(String containerId) {
        held.values().forEach(holders -> holders.remove(containerId));
        held.values().removeIf(Set::isEmpty);
    }

    /** 404 "get NAME: no such volume" when there is none. */
    public Volume get(String name) {
        return find(name).orElseThrow(() -> EngineException.notFound("get " + name + ": no such volume"));
    }

    public Optional<Volume> find(String name) {
        return name == null ? Optional.empty() : store.get(name);
    }

    /** Sorted by name, as the CLI shows them. */
    public List<Volume> list(VolumeFilters filters) {
        return store.all().stream().filter(v -> filters.matches(v, !users(v.name()).isEmpty()))
                .sorted(Comparator.comparing(Volume::name)).toList();
    }

    /** The containers that keep the volume: those that mount it and those being created with it. */
    public synchronized List<String> users(String name) {
        Set<String> users = new LinkedHashSet<>(usage.containersUsing(name));
        users.addAll(held.getOrDefault(name, Set.of()));
        return List.copyOf(users);
    }

    /**
     * {@code docker volume rm}: 409 while a container uses it. {@code force} only makes a missing volume no
     * error, as dockerd's: it never takes a volume from a container.
     */
    public synchronized void remove(String name, boolean force) {
        Optional<Volume> volume = store.get(name);
        if (volume.isEmpty()) {
            if (force) {
                return;
            }
            throw EngineException.notFound("get " + name + ": no such volume");
        }
        List<String> users = users(name);
        if (!users.isEmpty()) {
            // Go prints a []string as [a b]
            throw EngineException.conflict("remove " + name + ": volume is in use - [" + String.join(" ", users) + "]");
        }
        delete(volume.get());
    }

    /** For {@code rm -v}: removes the volume unless another container uses it; false when it stays. */
    public synchronized boolean removeIfUnused(String name) {
        Optional<Volume> volume = store.get(name);
        if (volume.isEmpty() || !users(name).isEmpty()) {
            return false;
        }
        delete(volume.get());
        return true;
    }

    /** {@code docker volume prune}: unused anonymous volumes, or every unused one with all=true. */
    public synchronized PruneReport prune(VolumeFilters filters) {
        List<String> deleted = new ArrayList<>();
        long reclaimed = 0;
        for (Volume volume : list(filters)) {
            if ((!filters.all() && !volume.isAnonymous()) || !users(volume.name()).isEmpty()) {
                continue;
            }
            long size = size(volume);
            delete(volume);
            deleted.add(volume.name());
            reclaimed += size;
        }
        return new PruneReport(deleted, reclaimed);
    }

    /** Bytes of the regular files in the volume's data (for prune's report and system df). */
    public long size(Volume volume) {
        try (Stream<Path> files = Files.walk(volume.mountpoint())) {
            return files.mapToLong(VolumeService::fileSize).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static long fileSize(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void delete(Volume volume) {
        try {
            store.delete(volume.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the folder of volume " + volume.name() + ": " + e.getMessage(), e);
        }
        events.publish("volume", "destroy", volume.name(), Map.of("driver", volume.driver()));
    }

    private String newName() {
        byte[] bytes = new byte[32];
        String name;
        do {
            random.nextBytes(bytes);
            name = HexFormat.of().formatHex(bytes);
        } while (store.get(name).isPresent());
        return name;
    }

    private static void checkName(String name) {
        if (!VALID_NAME.matcher(name).matches()) {
            throw EngineException.invalid("create " + name + ": \"" + name + "\" includes invalid characters for a local volume name, "
                    + "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
        }
    }

    /** A driver other than local is a plugin this engine does not have: 404 in dockerd's words. */
    private static void checkDriver(String name, String driver) {
        if (driver != null && !driver.isEmpty() && !driver.equals(Volume.LOCAL_DRIVER)) {
            throw EngineException.notFound("create " + name + ": error looking up volume plugin " + driver + ": plugin \"" + driver
                    + "\" not found (this engine has only the \"local\" driver)");
        }
    }
}
