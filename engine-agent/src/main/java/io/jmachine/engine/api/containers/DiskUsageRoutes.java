package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiVersion;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.volumes.VolumeRoutes;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.image.ContainerRootfs;
import io.jmachine.engine.image.ImageFilters;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageViews;
import io.jmachine.engine.ports.PortPublisher;
import io.jmachine.engine.volume.Volume;
import io.jmachine.engine.volume.VolumeFilters;
import io.jmachine.engine.volume.VolumeService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** GET /system/df (docker system df) and the sizes of `docker ps -s`: what images and containers take on disk. */
public final class DiskUsageRoutes {

    private final ContainerService containers;
    private final ImageService images;
    private final Clock clock;
    private final PortPublisher ports;
    private final VolumeService volumes;

    public DiskUsageRoutes(ContainerService containers, ImageService images, Clock clock) {
        this(containers, images, clock, null, null);
    }

    /**
     * @param ports   the host ports containers have open, for their summaries
     * @param volumes for the volumes and their usage
     */
    public DiskUsageRoutes(ContainerService containers, ImageService images, Clock clock, PortPublisher ports, VolumeService volumes) {
        this.containers = containers;
        this.images = images;
        this.clock = clock;
        this.ports = ports;
        this.volumes = volumes;
    }

    public void register(Router router) {
        router.get("/system/df", this::diskUsage);
    }

    private void diskUsage(ApiExchange ex) {
        ApiVersion version = ex.request().version();
        boolean legacy = !version.atLeast(1, 44);
        List<Map<String, Object>> imageViews = new ImageViews(images).list(true, ImageFilters.NONE, legacy);
        List<ContainerRecord> all = containers.list(true);
        long layersSize;
        try {
            layersSize = images.layersSize(); // shared layers once, as dockerd counts them
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the stored layers", e);
        }
        for (Map<String, Object> image : imageViews) {
            String id = String.valueOf(image.get("Id"));
            image.put("Containers", all.stream().filter(c -> c.image().equals(id)).count());
        }
        List<Map<String, Object>> containerViews = new ArrayList<>();
        for (ContainerRecord record : all) {
            Map<String, Object> view = new LinkedHashMap<>(ContainerViews.summary(record, clock.instant(),
                    ports == null ? List.of() : ports.published(record.id()), Map.of(), version));
            ContainerViews.putSizes(view, sizes(record));
            containerViews.add(view);
        }
        List<Map<String, Object>> volumeViews = new ArrayList<>();
        if (volumes != null) {
            for (Volume volume : volumes.list(VolumeFilters.forList(Filters.parse(null, ex.jsonMapper())))) {
                Map<String, Object> view = new LinkedHashMap<>(VolumeRoutes.view(volume));
                view.put("UsageData", Map.of("RefCount", volumes.users(volume.name()).size(), "Size", volumes.size(volume)));
                volumeViews.add(view);
            }
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("LayersSize", layersSize);
        usage.put("Images", imageViews);
        usage.put("Containers", containerViews);
        usage.put("Volumes", volumeViews);
        // the engine's builder keeps no cache apart from images
        usage.put("BuildCache", null);
        usage.put("BuilderSize", 0);
        ex.json(200, usage);
    }

    /** Docker's SizeRw and SizeRootFs for `docker ps -s`: the writable layer, and that plus the image. */
    public Map<String, Long> sizes(ContainerRecord record) {
        long rw = writableSize(record.id());
        long image = images.find(record.image()).map(i -> ((Number) new ImageViews(images).inspect(record.image())
                .getOrDefault("Size", 0L)).longValue()).orElse(0L);
        return Map.of("SizeRw", rw, "SizeRootFs", rw + image);
    }

    /** Bytes in the container's writable layer (Docker's SizeRw). */
    long writableSize(String containerId) {
        try {
            Optional<ContainerRootfs> rootfs = images.rootfs(containerId);
            if (rootfs.isEmpty() || !Files.isDirectory(rootfs.get().upper())) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(rootfs.get().upper())) {
                return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the writable layer of " + containerId, e);
        }
    }
}
