package io.jmachine.engine.build;

import io.jmachine.engine.api.ApiException;
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
     * @param keep        keep the container after a successful step (--rm=false)
     */
    Image run(Digest parent, List<String> command, List<String> env, ImageConfig.RunConfig imageConfig, String createdBy,
              BuildOutput output, boolean keep) throws IOException {
        ContainerConfig config = new ContainerConfig(null, null, imageConfig.user(), false, true, true, null, false, false, false,
                env, command, null, parent.toString(), imageConfig.volumes(), imageConfig.workingDir(), List.of(""), false, null,
                null, null, null, null);
        ContainerRecord container = containers.create(new ContainerService.CreateRequest("", config, HostConfig.defaults()));
        String shortId = container.id().substring(0, 12);
        boolean succeeded = false;
        try {
            output.stream(" ---> Running in " + shortId + "\n");
            CompletableFuture<Void> pumped = new CompletableFuture<>();
            containers.attachHub().register(container.id(), new OutputSession(output, pumped));
            int code;
            try {
                containers.runner().start(container.id());
                code = containers.waitFor(container.id(), "not-running").get();
                // the exit may be seen before the last output is read: let the pump drain
                pumped.get(30, TimeUnit.SECONDS);
            } catch (ApiException e) {
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
