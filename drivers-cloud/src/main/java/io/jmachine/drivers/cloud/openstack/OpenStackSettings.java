package io.jmachine.drivers.cloud.openstack;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.cloud.SecretReference;

import java.util.List;

/**
 * machine.json's "Driver" object of an openstack machine: the flags, where the password comes from (never the password),
 * and what create made (key pair, security group, server, floating IP), so that rm removes that and only that.
 *
 * @param id a random id, in the names of what create makes and in the server's metadata (jmachine:id)
 */
public record OpenStackSettings(@JsonProperty("MachineName") String machineName,
                                @JsonProperty("Id") String id,
                                @JsonProperty("AuthUrl") String authUrl,
                                @JsonProperty("Username") String username,
                                @JsonProperty("DomainName") String domainName,
                                @JsonProperty("TenantName") String tenantName,
                                @JsonProperty("Region") String region,
                                @JsonProperty("FlavorName") String flavorName,
                                @JsonProperty("ImageName") String imageName,
                                @JsonProperty("NetworkId") String networkId,
                                @JsonProperty("FloatingIpPool") String floatingIpPool,
                                @JsonProperty("SecurityGroups") List<String> securityGroups,
                                @JsonProperty("SSHUser") String sshUser,
                                @JsonProperty("SSHKeyPath") String sshKeyPath,
                                @JsonProperty("Password") SecretReference password,
                                @JsonProperty("ServerId") String serverId,
                                @JsonProperty("FloatingIpId") String floatingIpId,
                                @JsonProperty("IPAddress") String ipAddress) {

    static final String ID_TAG = "jmachine:id";

    /** The key pair's and security group's name: unique per create, so that rm never takes another machine's. */
    String resourceName() {
        return "jmachine-" + machineName + "-" + id.substring(0, 8);
    }

    OpenStackSettings withServer(String server, String floatingIp, String address) {
        return new OpenStackSettings(machineName, id, authUrl, username, domainName, tenantName, region, flavorName, imageName, networkId,
                floatingIpPool, securityGroups, sshUser, sshKeyPath, password, server, floatingIp, address);
    }
}
