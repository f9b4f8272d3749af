package io.jmachine.drivers.cloud.ec2;

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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An EC2 instance. Create imports the machine's own SSH key, makes a tagged security group that lets in SSH and the
 * engine's port only (unless the user gives theirs), and boots the instance with cloud-init user-data that installs a
 * host key made here, pinned in known_hosts before the first contact. Everything made carries the tag jmachine:id, so
 * that rm finds it after an interrupted create, and takes nothing else.
 */
public final class Ec2Driver implements CloudDriver {

    public static final String NAME = "amazonec2";
    private static final Duration POLL = Duration.ofSeconds(2);

    private final MachineContext context;
    private final Map<String, String> secrets;
    private final Map<String, String> environment;
    private final Duration stateTimeout;
    private Ec2Settings settings;

    Ec2Driver(MachineContext context, Ec2Settings settings, Map<String, String> secrets, Map<String, String> environment) {
        this.context = context;
        this.settings = settings;
        this.secrets = Map.copyOf(secrets);
        this.environment = environment;
        // how long an instance may take to reach running or stopped; tests shorten it
        this.stateTimeout = Duration.ofSeconds(Long.parseLong(environment.getOrDefault("JMACHINE_EC2_STATE_TIMEOUT", "600")));
    }

    @Override
    public String name() {
        return NAME;
    }

    private Ec2Cloud cloud() {
        return Ec2Cloud.connect(settings, settings.credentials().read(secrets, environment));
    }

    @Override
    public void preCreateCheck(Progress progress) {
        if (settings.rootSize() < 8) {
            throw new PreCreateCheckException("--amazonec2-root-size " + settings.rootSize() + " is too small: give at least 8 (GB)");
        }
        AwsCredentials.Keys keys = settings.credentials().read(secrets, environment);
        try (Ec2Cloud cloud = Ec2Cloud.connect(settings, keys)) {
            Set<String> regions = cloud.regions();
            if (!regions.contains(settings.region())) {
                throw new PreCreateCheckException("unknown region " + settings.region() + " (--amazonec2-region); "
                        + where() + " has " + String.join(", ", new java.util.TreeSet<>(regions)));
            }
            List<String> zones = cloud.zones();
            if (settings.subnetId() == null && !zones.contains(settings.availabilityZone())) {
                throw new PreCreateCheckException("unknown zone " + settings.availabilityZone() + " (--amazonec2-zone); " + settings.region()
                        + " has " + String.join(", ", zones));
            }
            if (settings.ami() != null) {
                if (cloud.image(settings.ami()).isEmpty()) {
                    throw new PreCreateCheckException("the AMI " + settings.ami() + " does not exist in " + settings.region()
                            + " (--amazonec2-ami)");
                }
            } else {
                String ami = cloud.newestDebian().map(org.jclouds.ec2.domain.Image::getId).orElseThrow(() -> new PreCreateCheckException(
                        "no official Debian 12 AMI found in " + settings.region() + "; give one with --amazonec2-ami"));
                settings = settings.withAmi(ami);
                progress.report("using the Debian 12 AMI " + ami);
            }
            if (!settings.securityGroups().isEmpty()) {
                cloud.groupIds(settings.securityGroups());
            }
        } catch (PreCreateCheckException e) {
            throw e;
        } catch (DriverException e) {
            // nothing exists yet: a create that cannot start is a failed pre-create check
            throw new PreCreateCheckException(e.getMessage());
        }
    }

    private String where() {
        return settings.endpoint() != null ? "the endpoint " + settings.endpoint() : "EC2";
    }

    /** Tags of everything the machine makes: its id first, by which rm finds them. */
    private Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Ec2Settings.ID_TAG, settings.id());
        tags.put(Ec2Settings.MACHINE_TAG, settings.machineName());
        tags.put("Name", settings.machineName());
        tags.putAll(settings.tags());
        return tags;
    }

    @Override
    public void create(Progress progress) {
        CloudHost host = new CloudHost(context);
        String userData = host.userData(settings.id(), settings.sshUser());
        try (Ec2Cloud cloud = cloud()) {
            String name = settings.resourceName();
            settings = settings.withKeyName(name);
            cloud.importKey(name, host.publicKey());
            progress.report("imported the machine's SSH key as the key pair " + name);
            List<String> groupIds;
            if (settings.securityGroups().isEmpty()) {
                String groupId = cloud.createGroup(name, settings.vpcId(), "jmachine " + settings.machineName() + ": SSH and the engine",
                        SSH_PORT, ENGINE_PORT);
                settings = settings.withGroupId(groupId);
                cloud.tag(tags(), List.of(groupId));
                progress.report("made the security group " + groupId + " (" + name + "): TCP " + SSH_PORT + " and " + ENGINE_PORT + " only");
                groupIds = List.of(groupId);
            } else {
                groupIds = cloud.groupIds(settings.securityGroups());
            }
            String rootDevice = cloud.image(settings.ami()).map(org.jclouds.ec2.domain.Image::getRootDeviceName).orElse(null);
            String instanceId = cloud.runInstance(settings.availabilityZone(), settings.ami(), settings.instanceType(), name, groupIds,
                    settings.subnetId(), userData.getBytes(StandardCharsets.UTF_8), rootDevice, settings.rootSize(), settings.id());
            settings = settings.withInstance(instanceId, null, null);
            cloud.tag(tags(), List.of(instanceId));
            progress.report("launched the instance " + instanceId + " (" + settings.instanceType() + ", " + settings.ami() + ")");
            awaitState(cloud, "running", progress);
            host.pinHostKey(ssh().orElseThrow().knownHostsName());
        }
    }

    /** Waits for the instance to reach {@code wanted}, keeping its addresses as they come. */
    private void awaitState(Ec2Cloud cloud, String wanted, Progress progress) {
        Instant started = Instant.now();
        Instant deadline = started.plus(stateTimeout);
        String last = "unknown";
        while (Instant.now().isBefore(deadline)) {
            Optional<Ec2Cloud.Instance> instance = cloud.instance(settings.instanceId());
            if (instance.isEmpty()) {
                throw new DriverException("the instance " + settings.instanceId() + " of " + settings.machineName() + " is gone");
            }
            last = instance.get().state();
            settings = settings.withInstance(settings.instanceId(), instance.get().publicIp(), instance.get().privateIp());
            if (wanted.equals(last) && ("stopped".equals(wanted) || settings.address() != null)) {
                return;
            }
            if ("terminated".equals(last) || "shutting-down".equals(last)) {
                throw new DriverException("the instance " + settings.instanceId() + " is " + last + " instead of " + wanted
                        + "; its console output may say why (aws ec2 get-console-output --instance-id " + settings.instanceId() + ")");
            }
            progress.status("waiting for " + settings.instanceId() + " to be " + wanted + ": " + last + " ("
                    + Duration.between(started, Instant.now()).toSeconds() + " s)");
            CloudHost.pause(POLL);
        }
        throw new DriverException("the instance " + settings.instanceId() + " is still " + last + " after " + stateTimeout.toSeconds()
                + " s, not " + wanted + "; remove the machine (jmachine rm -f " + settings.machineName() + ") or try again");
    }

    @Override
    public void start(Progress progress) {
        try (Ec2Cloud cloud = cloud()) {
            cloud.start(requireInstance());
            String before = settings.address();
            awaitState(cloud, "running", progress);
            if (!settings.address().equals(before)) {
                // a stopped instance gets a new public address: the same host key, pinned for it
                new CloudHost(context).pinHostKey(ssh().orElseThrow().knownHostsName());
            }
        }
    }

    @Override
    public void stop(Progress progress) {
        try (Ec2Cloud cloud = cloud()) {
            cloud.stop(requireInstance(), false);
            awaitState(cloud, "stopped", progress);
        }
    }

    @Override
    public void kill() {
        try (Ec2Cloud cloud = cloud()) {
            cloud.stop(requireInstance(), true);
        }
    }

    @Override
    public void restart(Progress progress) {
        try (Ec2Cloud cloud = cloud()) {
            cloud.reboot(requireInstance());
        }
    }

    private String requireInstance() {
        if (settings.instanceId() == null) {
            throw new DriverException(settings.machineName() + " has no instance: its create did not get that far; remove it (jmachine rm -f "
                    + settings.machineName() + ")");
        }
        return settings.instanceId();
    }

    /**
     * Terminates the machine's instances (its own, and any tagged with its id or launched with its client token), waits
     * for them to go, then deletes the key pair and the security groups it made; the user's groups stay.
     */
    @Override
    public void remove() {
        try (Ec2Cloud cloud = cloud()) {
            Set<String> instances = new LinkedHashSet<>();
            if (settings.instanceId() != null && cloud.instance(settings.instanceId()).filter(i -> !"terminated".equals(i.state())).isPresent()) {
                instances.add(settings.instanceId());
            }
            cloud.instancesOf(Ec2Settings.ID_TAG, settings.id(), settings.id()).forEach(i -> instances.add(i.id()));
            for (String id : instances) {
                cloud.terminate(id);
            }
            for (String id : instances) {
                awaitGone(cloud, id);
            }
            cloud.deleteKey(settings.resourceName());
            Set<String> groups = new LinkedHashSet<>(cloud.groupsTagged(Ec2Settings.ID_TAG, settings.id()));
            groups.addAll(cloud.groupsNamed(settings.resourceName()));
            if (settings.groupId() != null) {
                groups.add(settings.groupId());
            }
            for (String group : groups) {
                cloud.deleteGroup(group);
            }
        }
    }

    private void awaitGone(Ec2Cloud cloud, String id) {
        Instant deadline = Instant.now().plus(stateTimeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<Ec2Cloud.Instance> instance = cloud.instance(id);
            if (instance.isEmpty() || "terminated".equals(instance.get().state())) {
                return;
            }
            CloudHost.pause(POLL);
        }
        throw new DriverException("the instance " + id + " is not terminated after " + stateTimeout.toSeconds() + " s; run rm again");
    }

    @Override
    public MachineState state() {
        if (settings.instanceId() == null) {
            return MachineState.NONE;
        }
        try (Ec2Cloud cloud = cloud()) {
            return cloud.instance(settings.instanceId()).map(i -> stateOf(i.state())).orElse(MachineState.NONE);
        }
    }

    static MachineState stateOf(String ec2State) {
        return switch (ec2State) {
            case "pending" -> MachineState.STARTING;
            case "running" -> MachineState.RUNNING;
            case "stopping", "shutting-down" -> MachineState.STOPPING;
            case "stopped" -> MachineState.STOPPED;
            case "terminated" -> MachineState.NONE;
            default -> MachineState.ERROR;
        };
    }

    @Override
    public List<String> engineAddresses() {
        List<String> addresses = new ArrayList<>();
        addresses.add(reach().require());
        if (settings.privateIp() != null && !addresses.contains(settings.privateIp())) {
            addresses.add(settings.privateIp());
        }
        return addresses;
    }

    @Override
    public Reach reach() {
        return new Reach(settings.machineName(), settings.address(), settings.privateAddressOnly() ? "private" : "public", settings.sshUser(),
                settings.sshKeyPath());
    }

    @Override
    public Ec2Settings settings() {
        return settings;
    }

    @Override
    public Map<String, String> secrets() {
        return secrets;
    }
}
