package io.jmachine.engine.container;

import io.jmachine.engine.network.ContainerEtcFiles;
import io.jmachine.engine.network.NetworkAttachment;
import io.jmachine.engine.network.NetworkMode;
import io.jmachine.engine.network.NetworkService;

import java.nio.file.Path;

/** Containers' networking through the network package: a netns per container, CNI for the bridge, /etc files. */
public final class CniContainerNetworking implements ContainerNetworking {

    private final NetworkService network;
    private final ContainerEtcFiles etcFiles;

    public CniContainerNetworking(NetworkService network, ContainerEtcFiles etcFiles) {
        this.network = network;
        this.etcFiles = etcFiles;
    }

    @Override
    public ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig) {
        NetworkAttachment attached = network.attach(containerId, NetworkMode.parse(hostConfig.networkMode()));
        return new ContainerRecord.NetworkAttachment(hostConfig.networkMode(),
                attached.netnsPath() == null ? null : attached.netnsPath().toString(),
                attached.ipAddress(), attached.prefixLength(), attached.gateway(), attached.macAddress());
    }

    @Override
    public void detach(String containerId, ContainerRecord.NetworkAttachment attachment) {
        network.detach(containerId);
    }

    @Override
    public EtcFiles writeEtcFiles(String containerId, Path folder, String hostname, HostConfig hostConfig) {
        NetworkAttachment current = network.attachment(containerId)
                .orElseThrow(() -> new IllegalStateException("container " + containerId + " has no network attachment"));
        ContainerEtcFiles.EtcFiles files = etcFiles.write(folder, hostname, current);
        return new EtcFiles(files.hosts(), files.resolvConf(), files.hostname());
    }
}
