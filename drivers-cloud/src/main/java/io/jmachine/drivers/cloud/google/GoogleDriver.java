package io.jmachine.drivers.cloud.google;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.cloud.CloudDriver;
import io.jmachine.drivers.cloud.CloudHost;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A Compute Engine instance. Create puts a firewall rule on the network that lets in SSH and the engine's port to this
 * instance's tag only, and boots an Ubuntu image whose cloud-init gets the user-data (the machine's own key for its user,
 * a host key pinned here) from the instance's metadata. The instance and the rule are named after the machine's id, by
 * which rm finds them after an interrupted create, and takes nothing else.
 */
public final class GoogleDriver implements CloudDriver {

    public static final String NAME = "google";

    private final MachineContext context;
    private final Map<String, String> environment;
    private final Duration stateTimeout;
    private GoogleSettings settings;

    GoogleDriver(MachineContext context, GoogleSettings settings, Map<String, String> environment) {
        this.context = context;
        this.settings = settings;
        this.environment = environment;
        this.stateTimeout = Duration.ofSeconds(Long.parseLong(environment.getOrDefault("JMACHINE_CLOUD_STATE_TIMEOUT", "600")));
    }

    @Override
    public String name() {
        return NAME;
    }

    private GoogleCloud cloud() {
        return GoogleCloud.connect(settings);
    }

    @Override
    public void preCreateCheck(Progress progress) {
        try (GoogleCloud cloud = cloud()) {
            if (!cloud.zoneExists()) {
                throw new PreCreateCheckException("unknown zone " + settings.zone() + " (--google-zone)");
            }
            if (!cloud.machineTypeExists(settings.machineType())) {
                throw new PreCreateCheckException("unknown machine type " + settings.machineType() + " in " + settings.zone()
                        + " (--google-machine-type)");
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
        String name = settings.resourceName();
        try (GoogleCloud cloud = cloud()) {
            cloud.createFirewall(name, settings.network(), stateTimeout, "22", Integer.toString(ENGINE_PORT));
            progress.report("made the firewall rule " + name + ": TCP 22 and " + ENGINE_PORT + " to this instance only");
            cloud.createInstance(name, settings.machineType(), settings.network(), settings.machineImage(), settings.diskSize(),
                    Map.of("user-data", userData, "jmachine-id", settings.id()), stateTimeout);
            progress.report("created the instance " + name + " (" + settings.machineType() + ", " + settings.machineImage() + ")");
            awaitStatus(cloud, "RUNNING", progress);
            host.pinHostKey(settings.ipAddress());
        }
    }

    private void awaitStatus(GoogleCloud cloud, String wanted, Progress progress) {
        Instant started = Instant.now();
        String last = "unknown";
        while (Instant.now().isBefore(started.plus(stateTimeout))) {
            GoogleCloud.Server server = cloud.instance(settings.resourceName()).orElseThrow(() -> new DriverException("the instance "
                    + settings.resourceName() + " of " + settings.machineName() + " is gone"));
            last = server.status();
            if (server.natIp() != null) {
                settings = settings.withAddress(server.natIp());
            }
            if (wanted.equals(last) && (!"RUNNING".equals(wanted) || server.natIp() != null)) {
                return;
            }
            progress.status("waiting for " + settings.resourceName() + " to be " + wanted + ": " + last + " ("
                    + Duration.between(started, Instant.now()).toSeconds() + " s)");
            CloudHost.pause(Duration.ofSeconds(2));
        }
        throw new DriverException("the instance " + settings.resourceName() + " is still " + last + " after " + stateTimeout.toSeconds()
                + " s, not " + wanted + "; remove the machine (jmachine rm -f " + settings.machineName() + ") or try again");
    }

    @Override
    public void start(Progress progress) {
        try (GoogleCloud cloud = cloud()) {
            String before = settings.ipAddress();
            cloud.start(settings.resourceName(), stateTimeout);
            awaitStatus(cloud, "RUNNING", progress);
            if (!settings.ipAddress().equals(before)) {
                // an ephemeral external address changes with a stop: the same host key, pinned for the new one
                new CloudHost(context).pinHostKey(settings.ipAddress());
            }
        }
    }

    @Override
    public void stop(Progress progress) {
        try (GoogleCloud cloud = cloud()) {
            cloud.stop(settings.resourceName(), stateTimeout);
            awaitStatus(cloud, "TERMINATED", progress);
        }
    }

    @Override
    public void kill() {
        try (GoogleCloud cloud = cloud()) {
            cloud.stop(settings.resourceName(), stateTimeout);
        }
    }

    @Override
    public void restart(Progress progress) {
        try (GoogleCloud cloud = cloud()) {
            cloud.reset(settings.resourceName(), stateTimeout);
        }
    }

    /** Deletes the instance and the firewall rule named after the machine's id, where they exist. */
    @Override
    public void remove() {
        String name = settings.resourceName();
        try (GoogleCloud cloud = cloud()) {
            if (cloud.instance(name).isPresent()) {
                cloud.deleteInstance(name, stateTimeout);
            }
            if (cloud.firewallExists(name)) {
                cloud.deleteFirewall(name, stateTimeout);
            }
        }
    }

    @Override
    public MachineState state() {
        try (GoogleCloud cloud = cloud()) {
            return cloud.instance(settings.resourceName()).map(s -> switch (s.status()) {
                case "PROVISIONING", "STAGING" -> MachineState.STARTING;
                case "RUNNING" -> MachineState.RUNNING;
                case "STOPPING", "SUSPENDING" -> MachineState.STOPPING;
                case "STOPPED", "TERMINATED", "SUSPENDED" -> MachineState.STOPPED;
                default -> MachineState.ERROR;
            }).orElse(MachineState.NONE);
        }
    }

    @Override
    public Reach reach() {
        return new Reach(settings.machineName(), settings.ipAddress(), "public", settings.sshUser(), settings.sshKeyPath());
    }

    @Override
    public GoogleSettings settings() {
        return settings;
    }
}
