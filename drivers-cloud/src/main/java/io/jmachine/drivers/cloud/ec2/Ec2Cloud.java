package io.jmachine.drivers.cloud.ec2;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Multimap;
import com.google.inject.Module;
import io.jmachine.drivers.DriverException;
import org.jclouds.ContextBuilder;
import org.jclouds.aws.AWSResponseException;
import org.jclouds.aws.ec2.AWSEC2Api;
import org.jclouds.aws.ec2.options.AWSRunInstancesOptions;
import org.jclouds.aws.ec2.options.CreateSecurityGroupOptions;
import org.jclouds.ec2.domain.BlockDeviceMapping;
import org.jclouds.ec2.domain.Image;
import org.jclouds.ec2.domain.Reservation;
import org.jclouds.ec2.domain.RunningInstance;
import org.jclouds.http.HttpResponseException;
import io.jmachine.drivers.cloud.QuietLogging;
import org.jclouds.net.domain.IpPermission;
import org.jclouds.net.domain.IpProtocol;
import org.jclouds.rest.AuthorizationException;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/** The EC2 calls the amazonec2 driver makes, through jclouds' aws-ec2 API; failures become one-line {@link DriverException}s. */
final class Ec2Cloud implements Closeable {

    /** The owner of Debian's official AMIs. */
    static final String DEBIAN_OWNER = "136693071363";

    /** An instance as the driver needs it. */
    record Instance(String id, String state, String publicIp, String privateIp) {}

    private final AWSEC2Api api;
    private final String region;
    private final String where;

    private Ec2Cloud(AWSEC2Api api, String region, String where) {
        this.api = api;
        this.region = region;
        this.where = where;
    }

    static Ec2Cloud connect(Ec2Settings settings, AwsCredentials.Keys keys) {
        Properties overrides = new Properties();
        // a down endpoint fails in seconds, not after jclouds' default retries and minute-long timeouts
        overrides.setProperty("jclouds.connection-timeout", "10000");
        overrides.setProperty("jclouds.so-timeout", "60000");
        overrides.setProperty("jclouds.max-retries", "3");
        overrides.setProperty("jclouds.regions", settings.region());
        ContextBuilder builder = ContextBuilder.newBuilder("aws-ec2").credentials(keys.accessKey(), keys.secretKey())
                .modules(ImmutableSet.<Module>of(new QuietLogging())).overrides(overrides);
        if (settings.endpoint() != null) {
            builder.endpoint(settings.endpoint());
        }
        String where = settings.endpoint() != null ? "the EC2 endpoint " + settings.endpoint() : "EC2 in " + settings.region();
        try {
            return new Ec2Cloud(builder.buildApi(AWSEC2Api.class), settings.region(), where);
        } catch (RuntimeException e) {
            throw new DriverException("cannot set up jclouds for " + where + ": " + e.getMessage(), e);
        }
    }

    /** Runs one API call; its failure says what was asked of whom and what came back. */
    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AuthorizationException e) {
            throw new DriverException(where + " refused the credentials (" + what + "): " + rootMessage(e)
                    + "; check the access and secret key", e);
        } catch (AWSResponseException e) {
            throw new DriverException(where + ": " + what + " failed: " + e.getError().getCode() + ": " + e.getError().getMessage(), e);
        } catch (HttpResponseException e) {
            throw new DriverException(where + ": " + what + " failed: " + rootMessage(e), e);
        } catch (RuntimeException e) {
            throw new DriverException(where + ": " + what + " failed: " + rootMessage(e)
                    + (rootCause(e) instanceof java.net.ConnectException ? " (is the endpoint up?)" : ""), e);
        }
    }

    private void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable e) {
        AWSResponseException aws = findAws(e);
        if (aws != null && aws.getError() != null) {
            return aws.getError().getCode() + ": " + aws.getError().getMessage();
        }
        Throwable root = rootCause(e);
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private static AWSResponseException findAws(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AWSResponseException aws) {
                return aws;
            }
        }
        return null;
    }

    /** The regions the endpoint knows. */
    Set<String> regions() {
        return call("DescribeRegions", () -> api.getAvailabilityZoneAndRegionApi().get().describeRegions().keySet());
    }

    /** The zones of the region. */
    List<String> zones() {
        return call("DescribeAvailabilityZones", () -> api.getAvailabilityZoneAndRegionApi().get()
                .describeAvailabilityZonesInRegion(region).stream().map(z -> z.getZone()).toList());
    }

    /** The image, if the region has it. */
    Optional<Image> image(String ami) {
        return call("DescribeImages " + ami, () -> api.getAMIApi().get()
                .describeImagesInRegion(region, org.jclouds.ec2.options.DescribeImagesOptions.Builder.imageIds(ami))
                .stream().map(i -> (Image) i).findFirst());
    }

    /** The newest official Debian 12 image for x86_64 of the region. */
    Optional<Image> newestDebian() {
        Multimap<String, String> filter = ImmutableMultimap.of("owner-id", DEBIAN_OWNER, "name", "debian-12-amd64-*",
                "architecture", "x86_64", "state", "available");
        return call("DescribeImages (Debian 12)", () -> api.getAMIApi().get().describeImagesInRegionWithFilter(region, filter)
                .stream().map(i -> (Image) i).max(Comparator.comparing(i -> String.valueOf(i.getName()))));
    }

    /** Imports an OpenSSH public key line, sent in RFC 4716 form: jclouds takes only ssh-rsa keys in OpenSSH form, EC2 takes both. */
    void importKey(String name, String publicKey) {
        run("ImportKeyPair " + name, () -> api.getKeyPairApi().get().importKeyPairInRegion(region, name, rfc4716(publicKey)));
    }

    static String rfc4716(String openSshLine) {
        String[] fields = openSshLine.strip().split("\\s+");
        StringBuilder out = new StringBuilder("---- BEGIN SSH2 PUBLIC KEY ----\n");
        for (int i = 0; i < fields[1].length(); i += 70) {
            out.append(fields[1], i, Math.min(fields[1].length(), i + 70)).append('\n');
        }
        return out.append("---- END SSH2 PUBLIC KEY ----\n").toString();
    }

    void deleteKey(String name) {
        run("DeleteKeyPair " + name, () -> api.getKeyPairApi().get().deleteKeyPairInRegion(region, name));
    }

    boolean keyExists(String name) {
        return call("DescribeKeyPairs " + name, () -> !api.getKeyPairApi().get().describeKeyPairsInRegion(region, name).isEmpty());
    }

    /** Makes a group that lets in SSH and the engine's port, and nothing else. @return its id */
    String createGroup(String name, String vpcId, String description, int... ports) {
        CreateSecurityGroupOptions options = new CreateSecurityGroupOptions();
        if (vpcId != null) {
            options.vpcId(vpcId);
        }
        String id = call("CreateSecurityGroup " + name, () -> api.getSecurityGroupApi().get()
                .createSecurityGroupInRegionAndReturnId(region, name, description, options));
        List<IpPermission> permissions = new ArrayList<>();
        for (int port : ports) {
            permissions.add(IpPermission.builder().ipProtocol(IpProtocol.TCP).fromPort(port).toPort(port).cidrBlock("0.0.0.0/0").build());
        }
        run("AuthorizeSecurityGroupIngress " + id, () -> api.getSecurityGroupApi().get()
                .authorizeSecurityGroupIngressInRegion(region, id, permissions));
        return id;
    }

    /** The ids of the groups tagged {@code key=value}. */
    List<String> groupsTagged(String key, String value) {
        return call("DescribeSecurityGroups", () -> api.getSecurityGroupApi().get()
                .describeSecurityGroupsInRegionWithFilter(region, ImmutableMultimap.of("tag:" + key, value))
                .stream().map(g -> g.getId()).toList());
    }

    /** The ids of the groups of that name (one made by jmachine but not tagged yet, when a create was interrupted). */
    List<String> groupsNamed(String name) {
        return call("DescribeSecurityGroups", () -> api.getSecurityGroupApi().get()
                .describeSecurityGroupsInRegionWithFilter(region, ImmutableMultimap.of("group-name", name))
                .stream().map(g -> g.getId()).toList());
    }

    /** The user's groups by name, as ids; a missing one fails. */
    List<String> groupIds(List<String> names) {
        return call("DescribeSecurityGroups " + names, () -> {
            List<String> ids = new ArrayList<>();
            for (String name : names) {
                Set<org.jclouds.ec2.domain.SecurityGroup> found = api.getSecurityGroupApi().get()
                        .describeSecurityGroupsInRegionWithFilter(region, ImmutableMultimap.of("group-name", name));
                if (found.isEmpty()) {
                    throw new DriverException("the security group " + name + " does not exist in " + region);
                }
                ids.add(found.iterator().next().getId());
            }
            return ids;
        });
    }

    void deleteGroup(String id) {
        run("DeleteSecurityGroup " + id, () -> api.getSecurityGroupApi().get().deleteSecurityGroupInRegionById(region, id));
    }

    void tag(Map<String, String> tags, List<String> resourceIds) {
        run("CreateTags " + resourceIds, () -> api.getTagApiForRegion(region).get().applyToResources(tags, resourceIds));
    }

    /** Runs one instance. @return its id */
    String runInstance(String zone, String ami, String type, String keyName, List<String> groupIds, String subnetId, byte[] userData,
                       String rootDevice, int rootSizeGb, String clientToken) {
        AWSRunInstancesOptions options = new AWSRunInstancesOptions();
        options.asType(type).withKeyName(keyName).withSecurityGroupIds(groupIds).withUserData(userData);
        if (subnetId != null) {
            options.withSubnetId(subnetId);
        }
        if (rootDevice != null) {
            options.withBlockDeviceMappings(Set.of(new BlockDeviceMapping.MapNewVolumeToDevice(rootDevice, rootSizeGb, true, "gp3",
                    null, false)));
        }
        options.withClientToken(clientToken);
        // with a subnet, the zone is the subnet's
        Reservation<? extends RunningInstance> reservation = call("RunInstances", () -> api.getInstanceApi().get()
                .runInstancesInRegion(region, subnetId == null ? zone : null, ami, 1, 1, options));
        return reservation.iterator().next().getId();
    }

    /** The instance, or empty once it is gone. */
    Optional<Instance> instance(String id) {
        return call("DescribeInstances " + id, () -> {
            try {
                return api.getInstanceApi().get().describeInstancesInRegion(region, id).stream()
                        .flatMap(Set::stream).findFirst().map(Ec2Cloud::instanceOf);
            } catch (AWSResponseException e) {
                if (e.getError() != null && "InvalidInstanceID.NotFound".equals(e.getError().getCode())) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** The instances that are not terminated and carry the tag, or the client token (an instance not tagged yet). */
    List<Instance> instancesOf(String tagKey, String tagValue, String clientToken) {
        return call("DescribeInstances", () -> {
            List<Instance> found = new ArrayList<>();
            for (Multimap<String, String> filter : List.of(ImmutableMultimap.of("tag:" + tagKey, tagValue),
                    ImmutableMultimap.of("client-token", clientToken))) {
                api.getInstanceApi().get().describeInstancesInRegionWithFilter(region, filter).stream().flatMap(Set::stream)
                        .map(Ec2Cloud::instanceOf).filter(i -> !"terminated".equals(i.state()))
                        .filter(i -> found.stream().noneMatch(f -> f.id().equals(i.id()))).forEach(found::add);
            }
            return found;
        });
    }

    private static Instance instanceOf(RunningInstance instance) {
        return new Instance(instance.getId(), instance.getRawState(), instance.getIpAddress(), instance.getPrivateIpAddress());
    }

    void stop(String id, boolean force) {
        run("StopInstances " + id, () -> api.getInstanceApi().get().stopInstancesInRegion(region, force, id));
    }

    void start(String id) {
        run("StartInstances " + id, () -> api.getInstanceApi().get().startInstancesInRegion(region, id));
    }

    void reboot(String id) {
        run("RebootInstances " + id, () -> api.getInstanceApi().get().rebootInstancesInRegion(region, id));
    }

    void terminate(String id) {
        run("TerminateInstances " + id, () -> api.getInstanceApi().get().terminateInstancesInRegion(region, id));
    }

    @Override
    public void close() {
        try {
            api.close();
        } catch (IOException e) {
            // nothing is left open that matters: the JVM's HTTP connections end with it
        }
    }
}
