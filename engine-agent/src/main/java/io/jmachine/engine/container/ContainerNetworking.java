package io.jmachine.engine.container;

import java.nio.file.Path;

/** What the container side needs of networking: a namespace per container and its /etc files. */
public interface ContainerNetworking {

    /** The files to bind-mount at /etc/hosts, /etc/resolv.conf and /etc/hostname. */
    record EtcFiles(Path hosts, Path resolvConf, Path hostname) {}

    /** Joins the container to its network (mode: bridge, none, host); returns where it is attached. */
    ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig);

    /** Leaves the network and frees the namespace. Idempotent, also after a crash. */
    void detach(String containerId, ContainerRecord.NetworkAttachment attachment);

    /** Writes the container's hosts, resolv.conf and hostname files into its folder, for its current attachment. */
    EtcFiles writeEtcFiles(String containerId, Path folder, String hostname, HostConfig hostConfig);
}
