package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.network.ContainerEtcFiles;
import io.jmachine.engine.network.EndpointConfig;
import io.jmachine.engine.network.AttachRequest;
import io.jmachine.engine.network.EndpointRequest;
import io.jmachine.engine.network.NetworkAttachment;
import io.jmachine.engine.network.NetworkMode;
import io.jmachine.engine.network.NetworkRecord;
import io.jmachine.engine.network.NetworkService;
import io.jmachine.engine.network.PendingAttachment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containers' networking through the network package: a netns per container, CNI for the bridge networks,
 * /etc files with --link, --add-host and --dns applied, and the embedded DNS for user networks.
 */
public final class CniContainerNetworking implements ContainerNetworking {

    /** --add-host's special address: the default bridge's gateway, i.e. the host as containers reach it. */
    private static final String HOST_GATEWAY = "host-gateway";

    private final NetworkService network;
    private final ContainerEtcFiles etcFiles;
    private final ContainerStore containers;

    public CniContainerNetworking(NetworkService network, ContainerEtcFiles etcFiles, ContainerStore containers) {
        this.network = network;
        this.etcFiles = etcFiles;
        this.containers = containers;
    }

    @Override
    public void configure(String containerId, HostConfig hostConfig, Map<String, EndpointConfig> endpoints) {
        NetworkMode mode = NetworkMode.parse(hostConfig.networkMode());
        if (mode instanceof NetworkMode.Bridge bridged) {
            network.networks().resolve(bridged.name()); // Docker's 404 at create, not at start
        }
        for (String link : hostConfig.links() == null ? List.<String>of() : hostConfig.links()) {
            String target = Links.parse(link).target();
            if (containers.find(target) == null) {
                // a 400, as dockerd answers: on a 404 from create the docker CLI pulls the image and tries again
                throw EngineException.invalid("could not get container for " + target + ": No such container: " + target);
            }
        }
        List<EndpointRequest> requests = new ArrayList<>();
        endpoints.forEach((name, config) -> requests.add(new EndpointRequest(name, config)));
        network.requests().request(containerId, requests);
    }

    @Override
    public ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig) {
        return attach(containerId, hostConfig, "");
    }

    @Override
    public ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig, String macAddress) {
        return begin(containerId, hostConfig, macAddress).finish();
    }

    @Override
    public PendingAttach begin(String containerId, HostConfig hostConfig, String macAddress) {
        NetworkMode mode = NetworkMode.parse(hostConfig.networkMode());
        addDnsNames(containerId, mode);
        PendingAttachment pending = network.begin(containerId, new AttachRequest(
                mode, network.requests().read(containerId), hostConfig.dns(), macAddress));
        String netns = pending.netnsPath() == null ? null : pending.netnsPath().toString();
        return new PendingAttach() {
            @Override
            public String netnsPath() {
                return netns;
            }

            @Override
            public ContainerRecord.NetworkAttachment finish() {
                return view(hostConfig.networkMode(), pending.finish());
            }
        };
    }

    @Override
    public EtcFiles reserveEtcFiles(Path folder) {
        ContainerEtcFiles.EtcFiles files = etcFiles.reserve(folder);
        return new EtcFiles(files.hosts(), files.resolvConf(), files.hostname());
    }

    /**
     * dockerd's names for a container on a user network, kept among its aliases from its first start: its short
     * ID and its hostname.
     */
    private void addDnsNames(String containerId, NetworkMode mode) {
        List<EndpointRequest> requests = network.requests().read(containerId);
        if (mode instanceof NetworkMode.Bridge bridged) {
            NetworkRecord primary = network.networks().resolve(bridged.name());
            boolean requested = requests.stream().anyMatch(r -> network.networks().find(r.network())
                    .map(n -> n.id().equals(primary.id())).orElse(false));
            if (!requested && primary.userDefined()) {
                network.requests().add(containerId, new EndpointRequest(primary.id(),
                        EndpointConfig.NONE.withAliasesAdded(dnsNames(containerId))));
            }
        }
        for (EndpointRequest request : requests) {
            Optional<NetworkRecord> on = network.networks().find(request.network());
            if (on.isPresent() && on.get().userDefined()) {
                EndpointConfig named = request.config().withAliasesAdded(dnsNames(containerId));
                if (named != request.config()) {
                    network.requests().update(containerId, new EndpointRequest(request.network(), named));
                }
            }
        }
    }

    private List<String> dnsNames(String containerId) {
        ContainerRecord record = containers.byId(containerId);
        String hostname = record == null ? null : record.config().hostname();
        return hostname == null ? List.of(containerId.substring(0, 12)) : List.of(containerId.substring(0, 12), hostname);
    }

    @Override
    public Map<String, EndpointConfig> endpointConfigs(String containerId, HostConfig hostConfig) {
        Map<String, EndpointConfig> configs = new LinkedHashMap<>();
        NetworkMode mode = NetworkMode.parse(hostConfig.networkMode());
        configs.put(mode instanceof NetworkMode.Bridge bridged ? nameOf(bridged.name()) : mode.name(), EndpointConfig.NONE);
        for (EndpointRequest request : network.requests().read(containerId)) {
            configs.put(nameOf(request.network()), request.config());
        }
        return configs;
    }

    /** The network's name for inspect; what was asked for when it is gone or its name is no longer unique. */
    private String nameOf(String idOrName) {
        try {
            return network.networks().find(idOrName).map(NetworkRecord::name).orElse(idOrName);
        } catch (EngineException ambiguous) {
            return idOrName;
        }
    }

    @Override
    public ContainerRecord.NetworkAttachment connect(String containerId, String networkName, EndpointConfig config, boolean running) {
        EndpointConfig named = network.networks().resolve(networkName).userDefined()
                ? (config == null ? EndpointConfig.NONE : config).withAliasesAdded(dnsNames(containerId)) : config;
        EndpointRequest request = new EndpointRequest(networkName, named);
        if (!running) {
            network.requests().add(containerId, request);
            return null;
        }
        NetworkAttachment attached = network.connect(containerId, request);
        network.requests().add(containerId, request);
        return view(containers.byId(containerId).hostConfig().networkMode(), attached);
    }

    @Override
    public ContainerRecord.NetworkAttachment disconnect(String containerId, String networkName, boolean running) {
        if (!running) {
            if (!network.requests().remove(containerId, networkName)
                    && !network.networks().resolve(networkName).name().equals(containers.byId(containerId).hostConfig().networkMode())) {
                throw EngineException.forbidden("container " + containerId + " is not connected to network " + networkName);
            }
            return null;
        }
        NetworkAttachment attached = network.disconnect(containerId, networkName);
        network.requests().remove(containerId, networkName);
        return view(containers.byId(containerId).hostConfig().networkMode(), attached);
    }

    @Override
    public void forget(String containerId) {
        network.requests().forget(containerId);
    }

    @Override
    public void detach(String containerId, ContainerRecord.NetworkAttachment attachment) {
        network.detach(containerId);
    }

    @Override
    public EtcFiles writeEtcFiles(String containerId, Path folder, String hostname, HostConfig hostConfig) {
        NetworkAttachment current = network.attachment(containerId)
                .orElseThrow(() -> new IllegalStateException("container " + containerId + " has no network attachment"));
        List<String> extraHosts = new ArrayList<>();
        for (String link : hostConfig.links() == null ? List.<String>of() : hostConfig.links()) {
            extraHosts.add(linkLine(Links.parse(link)));
        }
        for (String entry : hostConfig.extraHosts() == null ? List.<String>of() : hostConfig.extraHosts()) {
            extraHosts.add(extraHostLine(entry));
        }
        ContainerEtcFiles.EtcOptions options = new ContainerEtcFiles.EtcOptions(extraHosts, hostConfig.dns(),
                hostConfig.dnsSearch(), hostConfig.dnsOptions(), network.embeddedDnsFor(current).orElse(null));
        ContainerEtcFiles.EtcFiles files = etcFiles.write(folder, hostname, current, options);
        return new EtcFiles(files.hosts(), files.resolvConf(), files.hostname());
    }

    /** Docker's hosts line for a link: the target's address, the alias, its short ID and its name. */
    private String linkLine(Links.Link link) {
        ContainerRecord target = containers.find(link.target());
        if (target == null) {
            throw EngineException.notFound("could not get container for " + link.target());
        }
        ContainerRecord.NetworkAttachment attached = target.state().isAlive() ? target.network() : null;
        String address = attached == null ? null : attached.ipAddress() != null ? attached.ipAddress()
                : attached.networks().stream().map(ContainerRecord.NetworkEndpoint::ipAddress).findFirst().orElse(null);
        if (address == null) {
            throw EngineException.invalid("Cannot link to a non running container: /" + target.name() + " AS " + link.alias());
        }
        return address + "\t" + link.alias() + " " + target.shortId() + " " + target.name();
    }

    /** "name:address" (the CLI's form; an IPv6 address has colons of its own, so the first one splits). */
    private String extraHostLine(String entry) {
        int separator = entry.indexOf(':');
        int equals = entry.indexOf('=');
        int split = equals > 0 && (separator < 0 || equals < separator) ? equals : separator;
        if (split <= 0 || split == entry.length() - 1) {
            throw EngineException.invalid("invalid IP address in add-host: \"" + entry + "\"");
        }
        String host = entry.substring(0, split);
        String address = entry.substring(split + 1);
        if (address.equals(HOST_GATEWAY)) {
            address = network.networks().defaultBridge().gateway();
        }
        return address + "\t" + host;
    }

    private ContainerRecord.NetworkAttachment view(String mode, NetworkAttachment attached) {
        List<ContainerRecord.NetworkEndpoint> endpoints = attached.endpoints().stream()
                .map(e -> new ContainerRecord.NetworkEndpoint(e.networkName(), e.networkId(), e.endpointId(), e.ipAddress(),
                        e.prefixLength(), e.gateway(), e.macAddress(), e.aliases()))
                .toList();
        NetworkAttachment.Endpoint bridge = attached.endpoints().stream()
                .filter(e -> NetworkMode.DEFAULT_BRIDGE.equals(e.networkName())).findFirst().orElse(null);
        return new ContainerRecord.NetworkAttachment(mode, attached.netnsPath() == null ? null : attached.netnsPath().toString(),
                bridge == null ? null : bridge.ipAddress(), bridge == null ? 0 : bridge.prefixLength(),
                bridge == null ? null : bridge.gateway(), bridge == null ? null : bridge.macAddress(), endpoints,
                network.externalEndpoint(attached).map(NetworkAttachment.Endpoint::ipAddress).orElse(null));
    }
}
