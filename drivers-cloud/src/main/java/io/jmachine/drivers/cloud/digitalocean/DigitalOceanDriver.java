package io.jmachine.drivers.cloud.digitalocean;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.cloud.CloudDriver;
import io.jmachine.drivers.cloud.CloudHost;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A droplet. Create imports the machine's own SSH key, boots the droplet with cloud-init user-data that installs a host
 * key pinned here, and puts a firewall on it that lets in SSH and the engine's port only. The key, the firewall and the
 * droplet are named after the machine's id, by which rm finds them after an interrupted create, and takes nothing else.
 */
public final class DigitalOceanDriver implements CloudDriver {

    public static final String NAME = "digitalocean";
    private static final Duration POLL = Duration.ofSeconds(2);

    private final MachineContext context;
    private final Map<String, String> secrets;
    private final Map<String, String> environment;
    private final Duration stateTimeout;
    private DigitalOceanSettings settings;

    DigitalOceanDriver(MachineContext context, DigitalOceanSettings settings, Map<String, String> secrets, Map<String, String> environment) {
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

    private DigitalOceanCloud cloud() {
        return new DigitalOceanCloud(settings.apiUrl(), settings.token().read(secrets, environment));
    }

    @Override
    public void preCreateCheck(Progress progress) {
        try (DigitalOceanCloud cloud = cloud()) {
            if (!cloud.regionExists(settings.region())) {
                throw new PreCreateCheckException("unknown region " + settings.region() + " (--digitalocean-region)");
            }
            if (!cloud.sizeExists(settings.size())) {
                throw new PreCreateCheckException("unknown size " + settings.size() + " (--digitalocean-size)");
            }
        } catch (PreCreateCheckException e) {
            throw e;
        } catch (DriverException e) {
            throw new PreCreateCheckException(e.getMessage());
        }
    }

    @Override
    public void create(Progress progress) {
        CloudHost host = new CloudHost(context);
        String userData = host.userData(settings.id(), settings.sshUser());
        try (DigitalOceanCloud cloud = cloud()) {
            String name = settings.resourceName();
            int keyId = cloud.importKey(name, host.publicKey());
            progress.report("imported the machine's SSH key as " + name);
            int dropletId = cloud.createDroplet(name, settings.region(), settings.size(), settings.image(), keyId, userData);
            settings = settings.withDroplet(dropletId, null);
            progress.report("created the droplet " + dropletId + " (" + settings.size() + ", " + settings.image() + ")");
            String firewall = cloud.createFirewall(name, dropletId, 22, ENGINE_PORT);
            progress.report("put the firewall " + firewall + " on it: TCP 22 and " + ENGINE_PORT + " only");
            awaitStatus(cloud, "active", progress);
            host.pinHostKey(settings.ipAddress());
        }
    }

    private void awaitStatus(DigitalOceanCloud cloud, String wanted, Progress progress) {
        Instant started = Instant.now();
        String last = "unknown";
        while (Instant.now().isBefore(started.plus(stateTimeout))) {
            DigitalOceanCloud.Instance droplet = cloud.droplet(settings.dropletId()).orElseThrow(() -> new DriverException("the droplet "
                    + settings.dropletId() + " of " + settings.machineName() + " is gone"));
            last = droplet.status();
            settings = settings.withDroplet(droplet.id(), droplet.publicIp() != null ? droplet.publicIp() : settings.ipAddress());
            if (wanted.equals(last) && (!"active".equals(wanted) || droplet.publicIp() != null)) {
                return;
            }
            progress.status("waiting for the droplet " + settings.dropletId() + " to be " + wanted + ": " + last + " ("
                    + Duration.between(started, Instant.now()).toSeconds() + " s)");
            CloudHost.pause(POLL);
        }
        throw new DriverException("the droplet " + settings.dropletId() + " is still " + last + " after " + stateTimeout.toSeconds()
                + " s, not " + wanted + "; remove the machine (jmachine rm -f " + settings.machineName() + ") or try again");
    }

    @Override
    public void start(Progress progress) {
        try (DigitalOceanCloud cloud = cloud()) {
            String before = settings.ipAddress();
            cloud.powerOn(requireDroplet());
            awaitStatus(cloud, "active", progress);
            if (!settings.ipAddress().equals(before)) {
                new CloudHost(context).pinHostKey(settings.ipAddress());
            }
        }
    }

    @Override
    public void stop(Progress progress) {
        try (DigitalOceanCloud cloud = cloud()) {
            cloud.shutdown(requireDroplet());
            awaitStatus(cloud, "off", progress);
        }
    }

    @Override
    public void kill() {
        try (DigitalOceanCloud cloud = cloud()) {
            cloud.powerOff(requireDroplet());
        }
    }

    @Override
    public void restart(Progress progress) {
        try (DigitalOceanCloud cloud = cloud()) {
            cloud.reboot(requireDroplet());
        }
    }

    private int requireDroplet() {
        if (settings.dropletId() == null) {
            throw new DriverException(settings.machineName() + " has no droplet: its create did not get that far; remove it (jmachine rm -f "
                    + settings.machineName() + ")");
        }
        return settings.dropletId();
    }

    /** Deletes the droplets named after the machine's id, then its firewall and key. */
    @Override
    public void remove() {
        String name = settings.resourceName();
        try (DigitalOceanCloud cloud = cloud()) {
            Set<Integer> droplets = new LinkedHashSet<>();
            if (settings.dropletId() != null && cloud.droplet(settings.dropletId()).isPresent()) {
                droplets.add(settings.dropletId());
            }
            cloud.dropletsNamed(name).forEach(d -> droplets.add(d.id()));
            for (int id : droplets) {
                cloud.deleteDroplet(id);
            }
            for (String firewall : cloud.firewallsNamed(name)) {
                cloud.deleteFirewall(firewall);
            }
            for (int key : cloud.keysNamed(name)) {
                cloud.deleteKey(key);
            }
        }
    }

    @Override
    public MachineState state() {
        if (settings.dropletId() == null) {
            return MachineState.NONE;
        }
        try (DigitalOceanCloud cloud = cloud()) {
            return cloud.droplet(settings.dropletId()).map(d -> switch (d.status()) {
                case "new" -> MachineState.STARTING;
                case "active" -> MachineState.RUNNING;
                case "off", "archive" -> MachineState.STOPPED;
                default -> MachineState.ERROR;
            }).orElse(MachineState.NONE);
        }
    }

    @Override
    public Reach reach() {
        return new Reach(settings.machineName(), settings.ipAddress(), "public", settings.sshUser(), settings.sshKeyPath());
    }

    @Override
    public DigitalOceanSettings settings() {
        return settings;
    }

    @Override
    public Map<String, String> secrets() {
        return secrets;
    }
}
