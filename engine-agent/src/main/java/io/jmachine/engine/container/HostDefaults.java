package io.jmachine.engine.container;

/**
 * What this engine's host decides about a new container's settings, as dockerd reads it from its own host.
 *
 * @param runtime  the OCI runtime's name (runc, crun): the only HostConfig.Runtime accepted, and the default
 * @param cgroupV2 a unified hierarchy: private cgroup namespaces by default, no swappiness or OOM-killer switch
 */
public record HostDefaults(String runtime, boolean cgroupV2) {

    /** Docker's default, for callers that do not know their host (tests). */
    public static final HostDefaults RUNC_ON_CGROUP_V2 = new HostDefaults("runc", true);

    public String cgroupnsMode() {
        return cgroupV2 ? "private" : "host";
    }
}
