package io.jmachine.engine.runtime;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the OCI runtime: the one named ({@code --runtime}), else crun where cgroups are v2 only and a probe
 * container runs under it (it is faster and lighter), else runc, which also handles v1 and hybrid hosts.
 */
public final class RuntimeSelector {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSelector.class);

    private final Path execRoot;
    private final CgroupLayout cgroups;
    private final RuntimeProbe probe;
    private final List<Path> searchPath;

    /** @param searchPath directories searched for the runtime binaries, in order */
    public RuntimeSelector(Path execRoot, CgroupLayout cgroups, RuntimeProbe probe, List<Path> searchPath) {
        this.execRoot = execRoot;
        this.cgroups = cgroups;
        this.probe = probe;
        this.searchPath = List.copyOf(searchPath);
    }

    /** The PATH of this process, then the sbin directories Debian installs runc into. */
    public static List<Path> defaultSearchPath() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        for (String dir : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (!dirs.contains(Path.of(dir))) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs;
    }

    /**
     * @param explicitName a runtime name or absolute path, or null/blank to choose
     * @throws EngineException INVALID, {@code unknown or invalid runtime name: X} when the named one is not installed
     */
    public OciRuntime select(String explicitName) {
        if (explicitName != null && !explicitName.isBlank()) {
            Path binary = find(explicitName.trim())
                    .orElseThrow(() -> EngineException.invalid("unknown or invalid runtime name: " + explicitName.trim()));
            return OciRuntime.underExecRoot(execRoot, binary.getFileName().toString(), binary);
        }
        Optional<OciRuntime> crun = find("crun").map(b -> OciRuntime.underExecRoot(execRoot, "crun", b));
        Optional<OciRuntime> runc = find("runc").map(b -> OciRuntime.underExecRoot(execRoot, "runc", b));
        if (cgroups.unified() && crun.isPresent()) {
            Optional<String> failure = probe.failure(crun.get());
            if (failure.isEmpty()) {
                LOG.info("OCI runtime: crun ({}), cgroups v2", crun.get().binary());
                return crun.get();
            }
            LOG.warn("crun cannot run containers here ({}); using runc", failure.get());
        }
        if (runc.isPresent()) {
            LOG.info("OCI runtime: runc ({}), cgroups {}", runc.get().binary(), cgroups.unified() ? "v2" : "v1");
            return runc.get();
        }
        if (crun.isPresent() && !cgroups.unified()) {
            Optional<String> failure = probe.failure(crun.get());
            if (failure.isEmpty()) {
                return crun.get();
            }
            throw new IllegalStateException("runc is not installed and crun cannot run containers on this host: " + failure.get()
                    + "; install runc (apt-get install runc)");
        }
        throw new IllegalStateException("no OCI runtime: neither runc nor crun is installed (or crun fails its probe); "
                + "install runc (apt-get install runc)");
    }

    private Optional<Path> find(String name) {
        if (name.startsWith("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) && Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        }
        if (name.contains("/")) {
            return Optional.empty();
        }
        return searchPath.stream().map(d -> d.resolve(name)).filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
