package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.volume.MountParser;
import io.jmachine.engine.volume.MountPoint;
import io.jmachine.engine.volume.MountRequest;
import io.jmachine.engine.volume.Volume;
import io.jmachine.engine.volume.VolumeContent;
import io.jmachine.engine.volume.VolumeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Containers' mounts over the volume service, in moby's order: --volumes-from first, then -v and --mount
 * (which replace a volumes-from mount at the same place but may not repeat one another), then an anonymous
 * volume for each Config.Volumes path nothing else is mounted on.
 */
public final class VolumeMounts implements ContainerVolumes {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeMounts.class);

    private final VolumeService volumes;
    private final MountParser parser;
    private final ContainerStore store;

    public VolumeMounts(VolumeService volumes, MountParser parser, ContainerStore store) {
        this.volumes = volumes;
        this.parser = parser;
        this.store = store;
    }

    /** The volume service's usage view: the containers whose records mount a volume. */
    public static io.jmachine.engine.volume.VolumeUsage usageOf(ContainerStore store) {
        return name -> store.all().stream().filter(c -> c.usesVolume(name)).map(ContainerRecord::id).toList();
    }

    @Override
    public List<MountPoint> plan(String containerId, ContainerConfig config, HostConfig hostConfig) {
        Map<String, MountPoint> byDestination = new LinkedHashMap<>();
        try {
            for (String spec : hostConfig.volumesFrom() == null ? List.<String>of() : hostConfig.volumesFrom()) {
                MountParser.VolumesFrom from = parser.parseVolumesFrom(spec);
                ContainerRecord source = store.resolve(from.container());
                for (MountPoint shared : source.mountPoints()) {
                    MountPoint mount = shared.sharedWith(from.readWrite());
                    if (mount.isVolume()) {
                        volumes.acquire(mount.name(), mount.driver(), null, null, containerId);
                    }
                    byDestination.put(mount.destination(), mount);
                }
            }
            Set<String> userDestinations = new HashSet<>();
            List<MountRequest> requests = new ArrayList<>();
            if (hostConfig.binds() != null) {
                hostConfig.binds().forEach(raw -> requests.add(parser.parseBind(raw)));
            }
            for (JsonNode mount : hostConfig.mounts() == null ? List.<JsonNode>of() : hostConfig.mounts()) {
                requests.add(parser.parseMount(mount));
            }
            for (MountRequest request : requests) {
                String destination = request.mount().destination();
                if (!userDestinations.add(destination)) {
                    throw EngineException.invalid("Duplicate mount point: " + destination);
                }
                byDestination.put(destination, resolve(request, containerId));
            }
            for (String path : config.volumes() == null ? Set.<String>of() : config.volumes().keySet()) {
                MountRequest request = parser.anonymousVolume(path);
                String destination = request.mount().destination();
                if (!byDestination.containsKey(destination) && (hostConfig.tmpfs() == null || !hostConfig.tmpfs().containsKey(destination))) {
                    byDestination.put(destination, resolve(request, containerId));
                }
            }
        } catch (RuntimeException e) {
            removed(containerId, List.copyOf(byDestination.values()), true);
            throw e;
        }
        return List.copyOf(byDestination.values());
    }

    private MountPoint resolve(MountRequest request, String containerId) {
        MountPoint mount = request.mount();
        if (!mount.isVolume()) {
            return mount;
        }
        Volume volume = volumes.acquire(mount.name(), request.driver(), request.labels(), request.driverOptions(), containerId);
        return mount.withVolume(volume.name(), volume.driver(), volume.mountpoint().toString());
    }

    @Override
    public void created(String containerId) {
        volumes.release(containerId);
    }

    @Override
    public List<MountPoint> prepare(List<MountPoint> mounts, Path rootfs) {
        List<MountPoint> prepared = new ArrayList<>();
        for (MountPoint mount : mounts) {
            try {
                if (mount.type() == MountPoint.Type.BIND && mount.createSource() && !Files.exists(Path.of(mount.source()))) {
                    Files.createDirectories(Path.of(mount.source()));
                }
                if (mount.isVolume()) {
                    Volume volume = volumes.get(mount.name());
                    if (mount.copyData()) {
                        try (Root root = Root.open(rootfs)) {
                            VolumeContent.populate(root, mount.destination(), volume.mountpoint());
                        }
                        mount = mount.withCopyData(false);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the mount at " + mount.destination() + " (" + mount.source() + "): "
                        + e.getMessage(), e);
            }
            prepared.add(mount);
        }
        return List.copyOf(prepared);
    }

    @Override
    public void removed(String containerId, List<MountPoint> mounts, boolean removeAnonymous) {
        volumes.release(containerId);
        if (!removeAnonymous) {
            return;
        }
        for (MountPoint mount : mounts) {
            if (mount.isVolume() && mount.anonymous() && !mount.name().isEmpty()) {
                try {
                    // another container that shares it (--volumes-from) keeps it; that is no error
                    volumes.removeIfUnused(mount.name());
                } catch (RuntimeException e) {
                    LOG.warn("cannot remove volume {} of container {}: {}", mount.name(), containerId, e.getMessage());
                }
            }
        }
    }
}
