package io.jmachine.drivers.cloud.ec2.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The XML answers of {@link FakeEc2}, one method per EC2 action, shaped as AWS's (API version 2016-11-15). */
final class Ec2Responses {

    static final class Ec2Error extends RuntimeException {
        final String code;

        Ec2Error(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private final FakeEc2 ec2;
    private final InstanceHosts hosts;
    private final boolean neverRunning;

    Ec2Responses(FakeEc2 ec2, InstanceHosts hosts, boolean neverRunning) {
        this.ec2 = ec2;
        this.hosts = hosts;
        this.neverRunning = neverRunning;
    }

    String answer(String action, Map<String, String> p) {
        return switch (action) {
            case "DescribeRegions" -> wrap(action, "<regionInfo><item><regionName>" + FakeEc2.REGION + "</regionName><regionEndpoint>"
                    + ec2.endpoint() + "</regionEndpoint></item></regionInfo>");
            case "DescribeAvailabilityZones" -> wrap(action, "<availabilityZoneInfo>" + zone("a") + zone("b") + "</availabilityZoneInfo>");
            case "DescribeImages" -> describeImages(p);
            case "ImportKeyPair" -> importKeyPair(p);
            case "DescribeKeyPairs" -> describeKeyPairs(p);
            case "DeleteKeyPair" -> {
                ec2.keyPairs.remove(p.get("KeyName"));
                yield ok(action);
            }
            case "CreateSecurityGroup" -> createGroup(p);
            case "AuthorizeSecurityGroupIngress" -> authorize(p);
            case "DescribeSecurityGroups" -> describeGroups(p);
            case "DeleteSecurityGroup" -> deleteGroup(p);
            case "CreateTags" -> createTags(p);
            case "RunInstances" -> runInstances(p);
            case "DescribeInstances" -> describeInstances(p);
            case "StopInstances" -> change(action, p, "stopped");
            case "StartInstances" -> change(action, p, "pending");
            case "TerminateInstances" -> change(action, p, "terminated");
            case "RebootInstances" -> ok(action);
            default -> throw new Ec2Error("InvalidAction", "The action " + action + " is not valid for this web service.");
        };
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String wrap(String action, String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + FakeEc2.NS + "\"><requestId>req-1</requestId>"
                + inner + "</" + action + "Response>";
    }

    private static String ok(String action) {
        return wrap(action, "<return>true</return>");
    }

    private static String zone(String letter) {
        return "<item><zoneName>" + FakeEc2.REGION + letter + "</zoneName><zoneState>available</zoneState><regionName>" + FakeEc2.REGION
                + "</regionName><messageSet/></item>";
    }

    private String describeImages(Map<String, String> p) {
        List<String> ids = FakeEc2.list(p, "ImageId");
        Map<String, List<String>> filters = FakeEc2.filters(p);
        boolean debianOwner = filters.getOrDefault("owner-id", List.of()).contains("136693071363");
        boolean match = ids.contains(FakeEc2.AMI) || ids.isEmpty() && (filters.isEmpty() || debianOwner);
        if (!ids.isEmpty() && !match) {
            throw new Ec2Error("InvalidAMIID.NotFound", "The image id '[" + String.join(",", ids) + "]' does not exist");
        }
        String item = match ? "<item><imageId>" + FakeEc2.AMI + "</imageId><imageLocation>136693071363/debian-12-amd64-20261201</imageLocation>"
                + "<imageState>available</imageState><imageOwnerId>136693071363</imageOwnerId><isPublic>true</isPublic>"
                + "<architecture>x86_64</architecture><imageType>machine</imageType><name>debian-12-amd64-20261201</name>"
                + "<description>Debian 12 (jmachine test image)</description><rootDeviceType>ebs</rootDeviceType>"
                + "<rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs>"
                + "<snapshotId>snap-0jm</snapshotId><volumeSize>8</volumeSize><deleteOnTermination>true</deleteOnTermination>"
                + "<volumeType>gp3</volumeType></ebs></item></blockDeviceMapping><virtualizationType>hvm</virtualizationType>"
                + "<hypervisor>xen</hypervisor></item>" : "";
        return wrap("DescribeImages", "<imagesSet>" + item + "</imagesSet>");
    }

    private String importKeyPair(Map<String, String> p) {
        String name = p.get("KeyName");
        if (ec2.keyPairs.containsKey(name)) {
            throw new Ec2Error("InvalidKeyPair.Duplicate", "The keypair '" + name + "' already exists.");
        }
        String material = new String(java.util.Base64.getDecoder().decode(p.get("PublicKeyMaterial")), java.nio.charset.StandardCharsets.UTF_8);
        ec2.keyPairs.put(name, openSsh(material));
        return wrap("ImportKeyPair", "<keyName>" + esc(name) + "</keyName><keyFingerprint>00:11:22:33</keyFingerprint>");
    }

    /** An RFC 4716 key as an OpenSSH line (TYPE BASE64), as EC2 keeps it; an OpenSSH line stays as it is. */
    static String openSsh(String material) {
        if (!material.startsWith("---- BEGIN SSH2 PUBLIC KEY ----")) {
            return material.strip();
        }
        String base64 = material.lines().filter(l -> !l.startsWith("----") && !l.contains(":")).reduce("", String::concat);
        byte[] blob = java.util.Base64.getDecoder().decode(base64);
        int length = java.nio.ByteBuffer.wrap(blob).getInt();
        return new String(blob, 4, length, java.nio.charset.StandardCharsets.US_ASCII) + " " + base64;
    }

    private String describeKeyPairs(Map<String, String> p) {
        StringBuilder items = new StringBuilder();
        for (String name : FakeEc2.list(p, "KeyName")) {
            if (ec2.keyPairs.containsKey(name)) {
                items.append("<item><keyName>").append(esc(name)).append("</keyName><keyFingerprint>00:11:22:33</keyFingerprint></item>");
            }
        }
        return wrap("DescribeKeyPairs", "<keySet>" + items + "</keySet>");
    }

    private String createGroup(Map<String, String> p) {
        String name = p.get("GroupName");
        if (ec2.groups.values().stream().anyMatch(g -> g.name().equals(name))) {
            throw new Ec2Error("InvalidGroup.Duplicate", "The security group '" + name + "' already exists");
        }
        String id = ec2.nextId("sg");
        ec2.groups.put(id, new FakeEc2.Group(id, name, p.getOrDefault("VpcId", "vpc-0default"), new java.util.concurrent.CopyOnWriteArrayList<>()));
        return wrap("CreateSecurityGroup", "<return>true</return><groupId>" + id + "</groupId>");
    }

    private String authorize(Map<String, String> p) {
        FakeEc2.Group group = group(p.get("GroupId"));
        // jclouds counts from 0, the AWS CLI from 1
        for (int i = p.containsKey("IpPermissions.0.IpProtocol") ? 0 : 1; p.containsKey("IpPermissions." + i + ".IpProtocol"); i++) {
            int from = Integer.parseInt(p.get("IpPermissions." + i + ".FromPort"));
            int to = Integer.parseInt(p.get("IpPermissions." + i + ".ToPort"));
            for (int port = from; port <= to; port++) {
                group.ports().add(port);
            }
        }
        return ok("AuthorizeSecurityGroupIngress");
    }

    private FakeEc2.Group group(String id) {
        FakeEc2.Group group = id == null ? null : ec2.groups.get(id);
        if (group == null) {
            throw new Ec2Error("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
        }
        return group;
    }

    private String describeGroups(Map<String, String> p) {
        Map<String, List<String>> filters = FakeEc2.filters(p);
        List<String> ids = FakeEc2.list(p, "GroupId");
        StringBuilder items = new StringBuilder();
        for (FakeEc2.Group g : ec2.groups.values()) {
            if (!ids.isEmpty() && !ids.contains(g.id()) || !matches(g.id(), filters, Map.of("group-name", g.name()))) {
                continue;
            }
            StringBuilder perms = new StringBuilder();
            for (int port : g.ports()) {
                perms.append("<item><ipProtocol>tcp</ipProtocol><fromPort>").append(port).append("</fromPort><toPort>").append(port)
                        .append("</toPort><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>");
            }
            items.append("<item><ownerId>123456789012</ownerId><groupId>").append(g.id()).append("</groupId><groupName>").append(esc(g.name()))
                    .append("</groupName><groupDescription>jmachine</groupDescription><vpcId>").append(g.vpcId()).append("</vpcId><ipPermissions>")
                    .append(perms).append("</ipPermissions><ipPermissionsEgress/>").append(tagSet(g.id())).append("</item>");
        }
        return wrap("DescribeSecurityGroups", "<securityGroupInfo>" + items + "</securityGroupInfo>");
    }

    /** Whether the resource passes tag:KEY filters and the given attribute filters. */
    private boolean matches(String resourceId, Map<String, List<String>> filters, Map<String, String> attributes) {
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            String value = filter.getKey().startsWith("tag:")
                    ? ec2.tags.getOrDefault(resourceId, Map.of()).get(filter.getKey().substring(4))
                    : attributes.get(filter.getKey());
            if (!attributes.containsKey(filter.getKey()) && !filter.getKey().startsWith("tag:")) {
                throw new Ec2Error("InvalidParameterValue", "The filter '" + filter.getKey() + "' is invalid");
            }
            if (value == null || !filter.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }

    private String deleteGroup(Map<String, String> p) {
        FakeEc2.Group group = group(p.get("GroupId"));
        boolean inUse = ec2.instances.values().stream().anyMatch(i -> !"terminated".equals(i.state)
                && i.launch.containsValue(group.id()));
        if (inUse) {
            throw new Ec2Error("DependencyViolation", "resource " + group.id() + " has a dependent object");
        }
        ec2.groups.remove(group.id());
        ec2.tags.remove(group.id());
        return ok("DeleteSecurityGroup");
    }

    private String createTags(Map<String, String> p) {
        for (String resource : FakeEc2.list(p, "ResourceId")) {
            Map<String, String> tags = ec2.tags.computeIfAbsent(resource, r -> new java.util.concurrent.ConcurrentHashMap<>());
            for (int i = 1; p.containsKey("Tag." + i + ".Key"); i++) {
                tags.put(p.get("Tag." + i + ".Key"), p.getOrDefault("Tag." + i + ".Value", ""));
            }
        }
        return ok("CreateTags");
    }

    private String runInstances(Map<String, String> p) {
        if (!FakeEc2.AMI.equals(p.get("ImageId"))) {
            throw new Ec2Error("InvalidAMIID.NotFound", "The image id '[" + p.get("ImageId") + "]' does not exist");
        }
        if (p.get("KeyName") != null && !ec2.keyPairs.containsKey(p.get("KeyName"))) {
            throw new Ec2Error("InvalidKeyPair.NotFound", "The key pair '" + p.get("KeyName") + "' does not exist");
        }
        for (String groupId : FakeEc2.list(p, "SecurityGroupId")) {
            group(groupId);
        }
        String token = p.get("ClientToken");
        if (token != null) {
            for (FakeEc2.Instance existing : ec2.instances.values()) {
                if (token.equals(existing.launch.get("ClientToken"))) {
                    return wrap("RunInstances", reservation(existing));
                }
            }
        }
        String id = ec2.nextId("i");
        String userData = FakeEc2.decodeUserData(p.get("UserData"));
        FakeEc2.Instance instance = new FakeEc2.Instance(id, Map.copyOf(p), userData);
        ec2.instances.put(id, instance);
        instance.address = hosts.launch(id, userData);
        return wrap("RunInstances", reservation(instance));
    }

    private String reservation(FakeEc2.Instance i) {
        StringBuilder groups = new StringBuilder();
        for (String g : FakeEc2.list(i.launch, "SecurityGroupId")) {
            groups.append("<item><groupId>").append(g).append("</groupId><groupName>").append(esc(ec2.groups.containsKey(g)
                    ? ec2.groups.get(g).name() : g)).append("</groupName></item>");
        }
        return "<reservationId>r-" + i.id.substring(2) + "</reservationId><ownerId>123456789012</ownerId><groupSet/>"
                + "<instancesSet>" + instanceXml(i, groups.toString()) + "</instancesSet>";
    }

    private String instanceXml(FakeEc2.Instance i, String groups) {
        refresh(i);
        boolean up = "running".equals(i.state);
        String zone = i.launch.getOrDefault("Placement.AvailabilityZone", FakeEc2.REGION + "a");
        return "<item><instanceId>" + i.id + "</instanceId><imageId>" + esc(i.launch.get("ImageId")) + "</imageId><instanceState><code>"
                + code(i.state) + "</code><name>" + i.state + "</name></instanceState><privateDnsName>ip-10-0-0-10.ec2.internal</privateDnsName>"
                + "<dnsName>" + (up ? "ec2-" + i.address.replace('.', '-') + ".compute-1.amazonaws.com" : "") + "</dnsName><reason/>"
                + "<keyName>" + esc(i.launch.get("KeyName")) + "</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>"
                + "<instanceType>" + esc(i.launch.getOrDefault("InstanceType", "m1.small")) + "</instanceType>"
                + "<launchTime>2026-12-06T10:00:00.000Z</launchTime><placement><availabilityZone>" + zone
                + "</availabilityZone><groupName/><tenancy>default</tenancy></placement><monitoring><state>disabled</state></monitoring>"
                + "<subnetId>subnet-0jm</subnetId><vpcId>vpc-0default</vpcId><privateIpAddress>10.0.0.10</privateIpAddress>"
                + (up ? "<ipAddress>" + i.address + "</ipAddress>" : "") + "<sourceDestCheck>true</sourceDestCheck>"
                + "<groupSet>" + groups + "</groupSet><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>"
                + "<rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping/><virtualizationType>hvm</virtualizationType>"
                + "<clientToken>" + esc(i.launch.getOrDefault("ClientToken", "")) + "</clientToken>" + tagSet(i.id)
                + "<hypervisor>xen</hypervisor><ebsOptimized>false</ebsOptimized></item>";
    }

    /** pending becomes running once its host has booted; an instance that stops is stopped at once. */
    private void refresh(FakeEc2.Instance i) {
        if ("pending".equals(i.state) && !neverRunning && hosts.running(i.id)) {
            i.state = "running";
        }
    }

    private String tagSet(String resourceId) {
        Map<String, String> tags = ec2.tags.getOrDefault(resourceId, Map.of());
        if (tags.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<tagSet>");
        tags.forEach((k, v) -> out.append("<item><key>").append(esc(k)).append("</key><value>").append(esc(v)).append("</value></item>"));
        return out.append("</tagSet>").toString();
    }

    private static int code(String state) {
        return switch (state) {
            case "pending" -> 0;
            case "running" -> 16;
            case "shutting-down" -> 32;
            case "terminated" -> 48;
            case "stopping" -> 64;
            default -> 80;
        };
    }

    private String describeInstances(Map<String, String> p) {
        List<String> ids = FakeEc2.list(p, "InstanceId");
        for (String id : ids) {
            if (!ec2.instances.containsKey(id)) {
                throw new Ec2Error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        Map<String, List<String>> filters = FakeEc2.filters(p);
        List<FakeEc2.Instance> found = new ArrayList<>();
        for (FakeEc2.Instance i : ec2.instances.values()) {
            if ((ids.isEmpty() || ids.contains(i.id))
                    && matches(i.id, filters, Map.of("client-token", i.launch.getOrDefault("ClientToken", ""), "instance-state-name", i.state))) {
                found.add(i);
            }
        }
        StringBuilder items = new StringBuilder();
        for (FakeEc2.Instance i : found) {
            items.append("<item>").append(reservation(i)).append("</item>");
        }
        return wrap("DescribeInstances", "<reservationSet>" + items + "</reservationSet>");
    }

    private String change(String action, Map<String, String> p, String next) {
        StringBuilder items = new StringBuilder();
        for (String id : FakeEc2.list(p, "InstanceId")) {
            FakeEc2.Instance i = ec2.instances.get(id);
            if (i == null) {
                throw new Ec2Error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
            String previous = i.state;
            switch (next) {
                case "stopped" -> hosts.stop(id);
                case "pending" -> hosts.start(id);
                default -> hosts.terminate(id);
            }
            i.state = next;
            items.append("<item><instanceId>").append(id).append("</instanceId><currentState><code>").append(code(next))
                    .append("</code><name>").append(next).append("</name></currentState><previousState><code>").append(code(previous))
                    .append("</code><name>").append(previous).append("</name></previousState></item>");
        }
        return wrap(action, "<instancesSet>" + items + "</instancesSet>");
    }
}
