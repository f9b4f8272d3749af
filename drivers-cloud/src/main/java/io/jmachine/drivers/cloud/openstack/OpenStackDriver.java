package io.jmachine.drivers.cloud.openstack;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.cloud.CloudDriver;
import io.jmachine.drivers.cloud.CloudHost;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Nova server. Create imports the machine's own SSH key, makes a security group that lets in SSH and the engine's port
 * only (unless the user gives theirs), boots the server with cloud-init user-data that installs a host key pinned
 * here, and takes a floating IP when a pool is given. Names carry the machine's id, and the server's metadata
 * jmachine:id, so that rm finds what an interrupted create made, and takes nothing else.
 */
public final class OpenStackDriver implements CloudDriver {

    public static final String NAME = "openstack";
    private static final Duration POLL = Duration.ofSeconds(2);

    private final MachineContext context;
    private final Map<String, String> secrets;
    private final Map<String, String> environment;
    private final Duration stateTimeout;
    private OpenStackSettings settings;

    OpenStackDriver(MachineContext context, OpenStackSettings settings, Map<String, String> secrets, Map<String, String> environment) {
        this.context = context;
        this.settings = settings;
        this.secrets = Map.copyOf(secrets);
        this.environment = environment;
        this.stateTimeout = Duration.ofSeconds(Long.parseLong(environment.getOrDefault("JMACHINE_CLOUD_STATE_TIMEOUT", "600")));
    }

    @Override
    public String name() {
        return NAME;
    }

    private NovaCloud cloud() {
        return NovaCloud.connect(settings, settings.password().read(secrets, environment));
    }

    @Override
    public void preCreateCheck(Progress progress) {
        List<String> missing = new ArrayList<>();
        require(settings.authUrl(), "OS_AUTH_URL (--openstack-auth-url)", missing);
        require(settings.username(), "OS_USERNAME (--openstack-username)", missing);
        require(settings.tenantName(), "OS_TENANT_NAME or OS_PROJECT_NAME (--openstack-tenant-name)", missing);
        require(settings.flavorName(), "OS_FLAVOR_NAME (--openstack-flavor-name)", missing);
        require(settings.imageName(), "OS_IMAGE_NAME (--openstack-image-name)", missing);
        if ("environment".equals(settings.password().source()) && environment.get("OS_PASSWORD") == null) {
            missing.add("OS_PASSWORD (--openstack-password)");
        }
        if (!missing.isEmpty()) {
            throw new PreCreateCheckException("the openstack driver needs " + String.join(", ", missing));
        }
        try (NovaCloud cloud = cloud()) {
            cloud.flavorId(settings.flavorName()).orElseThrow(() -> new PreCreateCheckException("no flavor " + settings.flavorName()
                    + " (--openstack-flavor-name)"));
            cloud.imageId(settings.imageName()).orElseThrow(() -> new PreCreateCheckException("no image " + settings.imageName()
                    + " (--openstack-image-name)"));
        } catch (PreCreateCheckException e) {
            throw e;
        } catch (DriverException e) {
            throw new PreCreateCheckException(e.getMessage());
        }
    }

    private static void require(String value, String what, List<String> missing) {
        if (value == null || value.isBlank()) {
            missing.add(what);
        }
    }

    @Override
    public void create(Progress progress) {
        CloudHost host = new CloudHost(context);
        String userData = host.userData(settings.id(), settings.sshUser());
        try (NovaCloud cloud = cloud()) {
            String name = settings.resourceName();
            cloud.importKey(name, host.publicKey());
            progress.report("imported the machine's SSH key as the key pair " + name);
            List<String> groups = settings.securityGroups();
            if (groups.isEmpty()) {
                String id = cloud.createGroup(name, "jmachine " + settings.machineName() + ": SSH and the engine", 22, ENGINE_PORT);
                progress.report("made the security group " + name + " (" + id + "): TCP 22 and " + ENGINE_PORT + " only");
                groups = List.of(name);
            }
            String flavor = cloud.flavorId(settings.flavorName()).orElseThrow();
            String image = cloud.imageId(settings.imageName()).orElseThrow();
            String serverId = cloud.createServer(name, image, flavor, name, groups, settings.networkId(),
                    userData.getBytes(StandardCharsets.UTF_8), Map.of(OpenStackSettings.ID_TAG, settings.id(), "jmachine:machine", settings.machineName()));
            settings = settings.withServer(serverId, null, null);
            progress.report("created the server " + serverId + " (" + settings.flavorName() + ", " + settings.imageName() + ")");
            NovaCloud.Instance server = awaitStatus(cloud, "ACTIVE", progress);
            if (settings.floatingIpPool() != null) {
                var ip = cloud.attachFloatingIp(settings.floatingIpPool(), serverId);
                settings = settings.withServer(serverId, ip.getId(), ip.getIp());
                progress.report("gave it the floating IP " + ip.getIp());
            } else {
                settings = settings.withServer(serverId, null, server.addresses().get(0));
            }
            host.pinHostKey(settings.ipAddress());
        }
    }

    private NovaCloud.Instance awaitStatus(NovaCloud cloud, String wanted, Progress progress) {
        Instant started = Instant.now();
        String last = "unknown";
        while (Instant.now().isBefore(started.plus(stateTimeout))) {
            NovaCloud.Instance server = cloud.server(settings.serverId()).orElseThrow(() -> new DriverException("the server "
                    + settings.serverId() + " of " + settings.machineName() + " is gone"));
            last = server.status();
            if (wanted.equals(last) && (!"ACTIVE".equals(wanted) || !server.addresses().isEmpty())) {
                return server;
            }
            if ("ERROR".equals(last)) {
                throw new DriverException("the server " + settings.serverId() + " went to ERROR instead of " + wanted
                        + "; `openstack server show " + settings.serverId() + "` says why");
            }
            progress.status("waiting for " + settings.serverId() + " to be " + wanted + ": " + last + " ("
                    + Duration.between(started, Instant.now()).toSeconds() + " s)");
            CloudHost.pause(POLL);
        }
        throw new DriverException("the server " + settings.serverId() + " is still " + last + " after " + stateTimeout.toSeconds()
                + " s, not " + wanted + "; remove the machine (jmachine rm -f " + settings.machineName() + ") or try again");
    }

    @Override
    public void start(Progress progress) {
        try (NovaCloud cloud = cloud()) {
            cloud.start(requireServer());
            awaitStatus(cloud, "ACTIVE", progress);
        }
    }

    @Override
    public void stop(Progress progress) {
        try (NovaCloud cloud = cloud()) {
            cloud.stop(requireServer());
            awaitStatus(cloud, "SHUTOFF", progress);
        }
    }

    /** Nova has no hard power-off apart from stop: the same call. */
    @Override
    public void kill() {
        try (NovaCloud cloud = cloud()) {
            cloud.stop(requireServer());
        }
    }

    @Override
    public void restart(Progress progress) {
        try (NovaCloud cloud = cloud()) {
            cloud.reboot(requireServer());
        }
    }

    private String requireServer() {
        if (settings.serverId() == null) {
            throw new DriverException(settings.machineName() + " has no server: its create did not get that far; remove it (jmachine rm -f "
                    + settings.machineName() + ")");
        }
        return settings.serverId();
    }

    /** Deletes the servers with the machine's id, waits for them to go, then the floating IP, the key pair and the group it made. */
    @Override
    public void remove() {
        try (NovaCloud cloud = cloud()) {
            Set<String> servers = new LinkedHashSet<>();
            if (settings.serverId() != null && cloud.server(settings.serverId()).isPresent()) {
                servers.add(settings.serverId());
            }
            cloud.serversTagged(OpenStackSettings.ID_TAG, settings.id()).forEach(s -> servers.add(s.id()));
            for (String id : servers) {
                cloud.delete(id);
            }
            for (String id : servers) {
                Instant deadline = Instant.now().plus(stateTimeout);
                while (cloud.server(id).filter(s -> !"DELETED".equals(s.status())).isPresent()) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new DriverException("the server " + id + " is not gone after " + stateTimeout.toSeconds() + " s; run rm again");
                    }
                    CloudHost.pause(POLL);
                }
            }
            if (settings.floatingIpId() != null) {
                cloud.releaseFloatingIp(settings.floatingIpId());
            }
            if (cloud.keyExists(settings.resourceName())) {
                cloud.deleteKey(settings.resourceName());
            }
            for (String group : cloud.groupsNamed(settings.resourceName())) {
                cloud.deleteGroup(group);
            }
        }
    }

    @Override
    public MachineState state() {
        if (settings.serverId() == null) {
            return MachineState.NONE;
        }
        try (NovaCloud cloud = cloud()) {
            return cloud.server(settings.serverId()).map(s -> switch (s.status()) {
                case "ACTIVE" -> MachineState.RUNNING;
                case "BUILD", "REBOOT", "HARD_REBOOT" -> MachineState.STARTING;
                case "SHUTOFF", "SUSPENDED", "PAUSED" -> MachineState.STOPPED;
                case "DELETED" -> MachineState.NONE;
                default -> MachineState.ERROR;
            }).orElse(MachineState.NONE);
        }
    }

    @Override
    public Reach reach() {
        return new Reach(settings.machineName(), settings.ipAddress(), "public", settings.sshUser(), settings.sshKeyPath());
    }

    @Override
    public OpenStackSettings settings() {
        return settings;
    }

    @Override
    public Map<String, String> secrets() {
        return secrets;
    }
}
