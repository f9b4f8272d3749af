package io.jmachine.engine.runtime;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.runtime.spec.ContainerSpec;
import io.jmachine.engine.runtime.spec.MountSpec;
import io.jmachine.engine.runtime.spec.OciBundle;
import io.jmachine.engine.runtime.spec.OciSpecFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether a runtime can run this engine's containers on this host, found by running one: a container with the
 * engine's own spec (namespaces, cgroup, seccomp) whose only file is a static binary answering --version.
 * Asking the runtime's version proves nothing: crun 1.8 answers it, then refuses every container on a hybrid host.
 */
public final class RuntimeProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final OciSpecFactory specs;
    private final Path staticBinary;
    private final Path workDir;

    /**
     * @param staticBinary a static executable that exits 0 on --version (Debian's tini-static)
     * @param workDir      where the probe's bundle is made and removed again
     */
    public RuntimeProbe(OciSpecFactory specs, Path staticBinary, Path workDir) {
        this.specs = specs;
        this.staticBinary = staticBinary;
        this.workDir = workDir;
    }

    /** Empty when the runtime ran the probe container; otherwise why not, in the runtime's words. */
    public Optional<String> failure(OciRuntime runtime) {
        String id = "jmachine-probe-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path bundle = workDir.resolve(id);
        try {
            Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
            ContainerSpec spec = ContainerSpec.builder(id, rootfs, List.of("/probe", "--version"))
                    .readonlyRootfs(true)
                    .mount(MountSpec.Bind.of(staticBinary, "/probe", true))
                    .build();
            new OciBundle(bundle).write(specs.create(spec));
            Path output = bundle.resolve("output");
            int status = runtime.run(id, bundle, OciRuntime.Stdio.toFiles(output, output), TIMEOUT);
            return status == 0 ? Optional.empty()
                    : Optional.of("the probe container exited with " + status + ": " + Files.readString(output).strip());
        } catch (OciRuntimeException e) {
            return Optional.of(e.runtimeMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the runtime probe in " + bundle + ": " + e.getMessage(), e);
        } finally {
            try {
                runtime.delete(id, true);
            } catch (RuntimeException alreadyGone) {
                // run deletes the container itself; this only catches a probe cut short
            }
            deleteTree(bundle);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Folder.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the runtime probe's bundle " + dir + ": " + e.getMessage(), e);
        }
    }
}
