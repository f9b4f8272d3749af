package io.jmachine.engine.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the container side needs of the image store: resolve a reference, and lend root filesystems. */
public interface ImageAccess {

    /** The image's own settings, which a container's Config falls back to. */
    record ImageDefaults(List<String> env, List<String> cmd, List<String> entrypoint, String workingDir, String user,
                         Map<String, String> labels, String stopSignal, Map<String, Object> exposedPorts,
                         Map<String, Object> volumes, com.fasterxml.jackson.databind.JsonNode healthcheck) {}

    /** @param id the image ID (sha256:…) */
    record ResolvedImage(String id, ImageDefaults defaults) {}

    /** The image a reference or ID names; 404 "No such image: X" when there is none. */
    ResolvedImage resolve(String reference);

    /** Mounts the container's root filesystem (image layers + its own writable layer); returns the merged folder. */
    Path mountRootfs(String containerId, String imageId);

    /** Unmounts it, keeping the container's changes. Idempotent. */
    void unmountRootfs(String containerId);

    /** Unmounts and deletes the container's writable layer. Idempotent, also after a crash. */
    void removeRootfs(String containerId);
}
