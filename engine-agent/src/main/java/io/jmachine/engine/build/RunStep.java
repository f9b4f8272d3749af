package io.jmachine.engine.build;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.container.AttachHub;
import io.jmachine.engine.container.ContainerConfig;
import io.jmachine.engine.container.ContainerFiles;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.HostConfig;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * RUN: a container made from the current image with the step's command, started with its output streamed to
 * the build, waited for, and on success committed (keeping the image's config, not the command's), as the
 * legacy builder does. The container is removed afterwards, always when the command failed.
 */
final class RunStep {

    private static final Logger LOG = LoggerFactory.getLogger(RunStep.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final ContainerService containers;
    private final ContainerFiles files;

    RunStep(ContainerService containers, ContainerFiles files) {
        this.containers = containers;
        this.files = files;
    }

    /**
     * @param command     the container's whole command (shell and script, or the exec form)
     * @param env         the image's environment plus the build args in effect
     * @param imageConfig the config the committed image gets
     * @param request     the build's network, extra hosts and --rm
     */
    Image run(Digest parent, List<String> command, List<String> env, ImageConfig.RunConfig imageConfig, String createdBy,
              BuildOutput output, BuildRequest request) throws IOException {
        boolean keep = !request.remove();
        ContainerConfig config = new ContainerConfig(null, null, imageConfig.user(), false, true, true, null, false, false, false,
                env, command, null, parent.toString(), imageConfig.volumes(), imageConfig.workingDir(), List.of(""), false, null,
                null, null, null, null);
        ContainerRecord container;
        try {
            container = containers.create(new ContainerService.CreateRequest("", config, hostConfig(request)));
        } catch (EngineException e) {
            throw new BuildException(e.getMessage(), e);
        }
        String shortId = container.id().substring(0, 12);
        boolean succeeded = false;
        try {
            output.stream(" ---> Running in " + shortId + "\n");
            CompletableFuture<Void> pumped = new CompletableFuture<>();
            containers.attach(container.id(), new OutputSession(output, pumped));
            int code;
            try {
                containers.start(container.id());
                code = containers.waitFor(container.id(), "not-running").get();
                // the exit may be seen before the last output is read: let the pump drain
                pumped.get(30, TimeUnit.SECONDS);
            } catch (EngineException e) {
                throw new BuildException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException("interrupted while running " + String.join(" ", command));
            } catch (ExecutionException | TimeoutException e) {
                throw new BuildException("running " + String.join(" ", command) + " failed: " + e.getMessage(), e);
            }
            if (code != 0) {
                throw new BuildException("The command '" + String.join(" ", command) + "' returned a non-zero code: " + code, code);
            }
            Image image = files.commit(container.id(), null, null, null, null, List.of(), imageConfig);
            succeeded = true;
            return image;
        } finally {
            if (!succeeded || !keep) {
                remove(container.id(), output, succeeded);
            }
        }
    }

    /**
     * What dockerd's builder gives its RUN containers of the request (hostConfigFromOptions): the network (a user
     * network's containers reach them by their short ID there) and the extra /etc/hosts entries. Read as a client's
     * HostConfig JSON is, so every other setting keeps its default.
     */
    static HostConfig hostConfig(BuildRequest request) {
        return JSON.convertValue(Map.of("NetworkMode", request.networkMode(), "ExtraHosts", request.extraHosts()), HostConfig.class);
    }

    private void remove(String id, BuildOutput output, boolean announce) {
        try {
            containers.remove(id, true, true);
            if (announce) {
                output.stream("Removing intermediate container " + id.substring(0, 12) + "\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the build container {}: {}", id, e.getMessage());
        }
    }

    /** The container's output into the build's stream, from its first byte. */
    private record OutputSession(BuildOutput output, CompletableFuture<Void> pumped) implements AttachHub.Session {
        @Override
        public void connected(ContainerProcesses.Attachment attachment) {
            Thread.ofVirtual().name("build-run-output").start(() -> {
                try (attachment) {
                    attachment.pumpOutput(output::processOutput);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("build output ended: {}", e.getMessage());
                } finally {
                    pumped.complete(null);
                }
            });
        }

        @Override
        public void ended() {
            pumped.complete(null);
        }
    }
}
