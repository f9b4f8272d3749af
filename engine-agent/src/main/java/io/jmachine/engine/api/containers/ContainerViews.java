package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.ApiVersion;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerState;
import io.jmachine.engine.container.HumanDuration;
import io.jmachine.engine.network.EndpointConfig;
import io.jmachine.engine.ports.PublishedPort;
import io.jmachine.engine.volume.MountPoint;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Container records as Docker clients read them: the `docker ps` summary and the inspect document. */
final class ContainerViews {

    private ContainerViews() {
    }

    static Map<String, Object> summary(ContainerRecord record, Instant now) {
        return summary(record, now, List.of(), Map.of());
    }

    static Map<String, Object> summary(ContainerRecord record, Instant now, List<PublishedPort> published,
                                       Map<String, EndpointConfig> requested) {
        return summary(record, now, published, requested, ApiVersion.MAX);
    }

    /**
     * @param published the host ports the container has open now
     * @param requested what it asked for per network, its network mode's first
     * @param version   the client's: fields newer than it are left out, as the dockerd of that version would
     */
    static Map<String, Object> summary(ContainerRecord record, Instant now, List<PublishedPort> published,
                                       Map<String, EndpointConfig> requested, ApiVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", record.id());
        view.put("Names", List.of("/" + record.name()));
        view.put("Image", record.imageRef() != null ? record.imageRef() : record.image());
        view.put("ImageID", record.image());
        view.put("Command", commandString(record));
        view.put("Created", record.created().getEpochSecond());
        view.put("Ports", PortViews.summary(record, published));
        view.put("Labels", record.config().labels());
        view.put("State", record.state().status().name());
        view.put("Status", status(record.state(), now));
        view.put("HostConfig", Map.of("NetworkMode", record.hostConfig().networkMode()));
        view.put("NetworkSettings", Map.of("Networks", networks(record, requested, version)));
        view.put("Mounts", mounts(record));
        return view;
    }

    /** docker ps -s: dockerd leaves out sizes of 0 (omitempty). */
    static void putSizes(Map<String, Object> view, Map<String, Long> sizes) {
        sizes.forEach((key, size) -> {
            if (size != 0) {
                view.put(key, size);
            }
        });
    }

    /** `docker ps`'s Status column. */
    static String status(ContainerState state, Instant now) {
        return switch (state.status()) {
            case created -> "Created";
            case running -> "Up " + HumanDuration.of(Duration.between(state.startedAt(), now))
                    + (state.health() == null ? "" : " " + state.health().status().psSuffix());
            case paused -> "Up " + HumanDuration.of(Duration.between(state.startedAt(), now)) + " (Paused)";
            case restarting -> "Restarting (" + state.exitCode() + ") " + HumanDuration.of(Duration.between(state.finishedAt(), now)) + " ago";
            case removing -> "Removal In Progress";
            case dead -> "Dead";
            case exited -> state.finishedAt().equals(ContainerState.ZERO_TIME) ? "Exited (" + state.exitCode() + ")"
                    : "Exited (" + state.exitCode() + ") " + HumanDuration.of(Duration.between(state.finishedAt(), now)) + " ago";
        };
    }

    static Map<String, Object> inspect(ContainerRecord record, Path containerFolder, List<PublishedPort> published,
                                       Map<String, EndpointConfig> requested) {
        return inspect(record, containerFolder, published, requested, Map.of(), ApiVersion.MAX);
    }

    /** @param graphDriverData the overlay's LowerDir, MergedDir, UpperDir and WorkDir */
    static Map<String, Object> inspect(ContainerRecord record, Path containerFolder, List<PublishedPort> published,
                                       Map<String, EndpointConfig> requested, Map<String, String> graphDriverData,
                                       ApiVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", record.id());
        view.put("Created", record.created().toString());
        view.put("Path", record.path());
        view.put("Args", record.args());
        view.put("State", record.state());
        view.put("Image", record.image());
        view.put("ResolvConfPath", containerFolder.resolve("resolv.conf").toString());
        view.put("HostnamePath", containerFolder.resolve("hostname").toString());
        view.put("HostsPath", containerFolder.resolve("hosts").toString());
        view.put("LogPath", record.hostConfig().logConfig().keepsLogs() ? containerFolder.resolve("container.log").toString() : "");
        view.put("Name", "/" + record.name());
        view.put("RestartCount", record.restartCount());
        view.put("Driver", "overlay2");
        view.put("Platform", "linux");
        view.put("MountLabel", "");
        view.put("ProcessLabel", "");
        view.put("AppArmorProfile", "");
        view.put("ExecIDs", null);
        view.put("HostConfig", record.hostConfig());
        view.put("GraphDriver", Map.of("Name", "overlay2", "Data", graphDriverData));
        view.put("Mounts", mounts(record));
        view.put("Config", record.config());
        view.put("NetworkSettings", networkSettings(record, published, requested, version));
        return view;
    }

    /** dockerd's NetworkSettings; the top-level address fields are the default bridge's (deprecated, still read). */
    private static Map<String, Object> networkSettings(ContainerRecord record, List<PublishedPort> published,
                                                       Map<String, EndpointConfig> requested, ApiVersion version) {
        ContainerRecord.NetworkAttachment net = record.network();
        boolean live = record.state().isAlive() && net != null;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("Bridge", "");
        settings.put("SandboxID", "");
        settings.put("HairpinMode", false);
        settings.put("LinkLocalIPv6Address", "");
        settings.put("LinkLocalIPv6PrefixLen", 0);
        settings.put("Ports", PortViews.inspect(record, published));
        settings.put("SandboxKey", live && net.netnsPath() != null ? net.netnsPath() : "");
        settings.put("SecondaryIPAddresses", null);
        settings.put("SecondaryIPv6Addresses", null);
        settings.put("EndpointID", live ? net.networks().stream().filter(e -> e.name().equals("bridge"))
                .map(e -> nullToEmpty(e.endpointId())).findFirst().orElse("") : "");
        settings.put("Gateway", live ? nullToEmpty(net.gateway()) : "");
        settings.put("GlobalIPv6Address", "");
        settings.put("GlobalIPv6PrefixLen", 0);
        settings.put("IPAddress", live ? nullToEmpty(net.ipAddress()) : "");
        settings.put("IPPrefixLen", live ? net.ipPrefixLen() : 0);
        settings.put("IPv6Gateway", "");
        settings.put("MacAddress", live ? nullToEmpty(net.macAddress()) : "");
        settings.put("Networks", networks(record, requested, version));
        return settings;
    }

    /**
     * A running container's endpoints with their addresses; one that is not running shows the networks it asked
     * for with empty addresses, as dockerd. Either way with what it asked for there (IPAMConfig, Links, Aliases,
     * DriverOpts), as it was sent.
     */
    private static Map<String, Object> networks(ContainerRecord record, Map<String, EndpointConfig> requested, ApiVersion version) {
        String mode = record.hostConfig().networkMode();
        ContainerRecord.NetworkAttachment net = record.state().isAlive() ? record.network() : null;
        Map<String, Object> networks = new LinkedHashMap<>();
        if (net != null && !net.networks().isEmpty()) {
            for (ContainerRecord.NetworkEndpoint endpoint : net.networks()) {
                networks.put(endpoint.name(), endpoint(record, endpoint.name(), endpoint,
                        requested.getOrDefault(endpoint.name(), EndpointConfig.NONE), version));
            }
            return networks;
        }
        if (net != null || requested.isEmpty()) {
            // host or none: one entry without addresses
            String name = requested.isEmpty() ? mode : requested.keySet().iterator().next();
            networks.put(name, endpoint(record, name, null, requested.getOrDefault(name, EndpointConfig.NONE), version));
            return networks;
        }
        requested.forEach((name, config) -> networks.put(name, endpoint(record, name, null, config, version)));
        return networks;
    }

    /** Docker's MountPoint as inspect and ps show it; Name and Driver only for volumes. */
    private static List<Map<String, Object>> mounts(ContainerRecord record) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (MountPoint mount : record.mountPoints()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("Type", mount.type().apiName());
            if (mount.isVolume()) {
                view.put("Name", mount.name());
            }
            view.put("Source", mount.source());
            view.put("Destination", mount.destination());
            if (mount.isVolume()) {
                view.put("Driver", mount.driver());
            }
            view.put("Mode", mount.mode());
            view.put("RW", mount.rw());
            view.put("Propagation", mount.propagation());
            mounts.add(view);
        }
        return mounts;
    }

    /**
     * One network's entry; {@code live} is null when the container has no address there (not running, host, none).
     * On user networks DNSNames are what other containers resolve it by.
     */
    private static Map<String, Object> endpoint(ContainerRecord record, String name, ContainerRecord.NetworkEndpoint live,
                                                EndpointConfig config, ApiVersion version) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        boolean userDefined = !List.of("bridge", "host", "none").contains(name);
        List<String> aliases = config.aliases() != null ? config.aliases()
                // a container started by an engine that kept no endpoint config
                : live != null && !live.aliases().isEmpty() ? live.aliases() : null;
        endpoint.put("IPAMConfig", config.ipam());
        endpoint.put("Links", config.links());
        endpoint.put("Aliases", aliases);
        endpoint.put("MacAddress", live == null ? "" : nullToEmpty(live.macAddress()));
        endpoint.put("DriverOpts", config.driverOpts());
        endpoint.put("NetworkID", live == null ? "" : nullToEmpty(live.networkId()));
        endpoint.put("EndpointID", live == null ? "" : nullToEmpty(live.endpointId()));
        endpoint.put("Gateway", live == null ? "" : nullToEmpty(live.gateway()));
        endpoint.put("IPAddress", live == null ? "" : nullToEmpty(live.ipAddress()));
        endpoint.put("IPPrefixLen", live == null ? 0 : live.ipPrefixLen());
        endpoint.put("IPv6Gateway", "");
        endpoint.put("GlobalIPv6Address", "");
        endpoint.put("GlobalIPv6PrefixLen", 0);
        List<String> dnsNames = new ArrayList<>();
        if (userDefined && live != null) {
            dnsNames.add(record.name());
            aliases = aliases == null ? List.of() : aliases;
            aliases.stream().filter(a -> !dnsNames.contains(a)).forEach(dnsNames::add);
            if (!dnsNames.contains(record.shortId())) {
                dnsNames.add(record.shortId());
            }
        }
        if (version.atLeast(1, 44)) {
            endpoint.put("DNSNames", userDefined && live != null ? dnsNames : null);
        }
        return endpoint;
    }

    private static String commandString(ContainerRecord record) {
        List<String> words = new ArrayList<>();
        words.add(record.path());
        words.addAll(record.args());
        return String.join(" ", words);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
