package io.jmachine.drivers.cloud.ec2;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * machine.json's "Driver" object of an amazonec2 machine: the flags, a reference to the credentials (never the keys),
 * and what create made, so that rm removes that and only that.
 *
 * @param id             a random id tagged on everything this machine makes (jmachine:id), by which rm finds it
 * @param securityGroups the user's groups (--amazonec2-security-group); empty: jmachine makes one
 * @param keyName        the key pair jmachine imported (null before)
 * @param groupId        the security group jmachine made (null when the user's are used, or before)
 */
public record Ec2Settings(@JsonProperty("MachineName") String machineName,
                          @JsonProperty("Id") String id,
                          @JsonProperty("Region") String region,
                          @JsonProperty("Zone") String zone,
                          @JsonProperty("InstanceType") String instanceType,
                          @JsonProperty("AMI") String ami,
                          @JsonProperty("SSHUser") String sshUser,
                          @JsonProperty("VpcId") String vpcId,
                          @JsonProperty("SubnetId") String subnetId,
                          @JsonProperty("SecurityGroups") List<String> securityGroups,
                          @JsonProperty("RootSize") int rootSize,
                          @JsonProperty("Tags") Map<String, String> tags,
                          @JsonProperty("PrivateAddressOnly") boolean privateAddressOnly,
                          @JsonProperty("Endpoint") String endpoint,
                          @JsonProperty("Credentials") AwsCredentials credentials,
                          @JsonProperty("SSHKeyPath") String sshKeyPath,
                          @JsonProperty("KeyName") String keyName,
                          @JsonProperty("SecurityGroupId") String groupId,
                          @JsonProperty("InstanceId") String instanceId,
                          @JsonProperty("PublicIPAddress") String publicIp,
                          @JsonProperty("PrivateIPAddress") String privateIp) {

    /** The tag key every resource gets with the machine's {@link #id}. */
    static final String ID_TAG = "jmachine:id";
    static final String MACHINE_TAG = "jmachine:machine";

    /** The key pair's and the group's name: unique per create, so that rm never takes a resource of another machine. */
    String resourceName() {
        return "jmachine-" + machineName + "-" + id.substring(0, 8);
    }

    /** The availability zone: the region and the zone letter (us-east-1 + a), or a full zone name as given. */
    String availabilityZone() {
        return zone.length() == 1 ? region + zone : zone;
    }

    /** The address jmachine reaches the host at. */
    String address() {
        return privateAddressOnly ? privateIp : publicIp;
    }

    Ec2Settings withAmi(String value) {
        return new Ec2Settings(machineName, id, region, zone, instanceType, value, sshUser, vpcId, subnetId, securityGroups, rootSize,
                tags, privateAddressOnly, endpoint, credentials, sshKeyPath, keyName, groupId, instanceId, publicIp, privateIp);
    }

    Ec2Settings withKeyName(String value) {
        return new Ec2Settings(machineName, id, region, zone, instanceType, ami, sshUser, vpcId, subnetId, securityGroups, rootSize,
                tags, privateAddressOnly, endpoint, credentials, sshKeyPath, value, groupId, instanceId, publicIp, privateIp);
    }

    Ec2Settings withGroupId(String value) {
        return new Ec2Settings(machineName, id, region, zone, instanceType, ami, sshUser, vpcId, subnetId, securityGroups, rootSize,
                tags, privateAddressOnly, endpoint, credentials, sshKeyPath, keyName, value, instanceId, publicIp, privateIp);
    }

    Ec2Settings withInstance(String value, String publicAddress, String privateAddress) {
        return new Ec2Settings(machineName, id, region, zone, instanceType, ami, sshUser, vpcId, subnetId, securityGroups, rootSize,
                tags, privateAddressOnly, endpoint, credentials, sshKeyPath, keyName, groupId, value, publicAddress, privateAddress);
    }
}
