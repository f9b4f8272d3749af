package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.image.ContainerRootfs;
import io.jmachine.engine.image.ImageFilters;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageViews;

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

    public DiskUsageRoutes(ContainerService containers, ImageService images, Clock clock) {
        this.containers = containers;
        this.images = images;
        this.clock = clock;
    }

    public void register(Router router) {
        router.get("/system/df", this::diskUsage);
    }

    private void diskUsage(ApiExchange ex) {
        List<Map<String, Object>> imageViews = new ImageViews(images).list(true, ImageFilters.NONE);
        long layersSize = 0;
        for (Map<String, Object> image : imageViews) {
            long size = ((Number) image.getOrDefault("Size", 0L)).longValue();
            layersSize += size;
            String id = String.valueOf(image.get("Id"));
            image.put("Containers", containers.list(true).stream().filter(c -> c.image().equals(id)).count());
        }
        List<Map<String, Object>> containerViews = new ArrayList<>();
        for (ContainerRecord record : containers.list(true)) {
            Map<String, Object> view = new LinkedHashMap<>(ContainerViews.summary(record, clock.instant()));
            view.put("SizeRw", writableSize(record.id()));
            containerViews.add(view);
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("LayersSize", layersSize);
        usage.put("Images", imageViews);
        usage.put("Containers", containerViews);
        usage.put("Volumes", List.of());
        usage.put("BuildCache", List.of());
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
