package io.jmachine.drivers.cloud.digitalocean;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.cloud.SecretReference;

/**
 * machine.json's "Driver" object of a digitalocean machine: the flags, where the token comes from (never the token), and
 * what create made (key, firewall, droplet), each named after the machine's id, so that rm removes that and only that.
 */
public record DigitalOceanSettings(@JsonProperty("MachineName") String machineName,
                                   @JsonProperty("Id") String id,
                                   @JsonProperty("Region") String region,
                                   @JsonProperty("Size") String size,
                                   @JsonProperty("Image") String image,
                                   @JsonProperty("SSHUser") String sshUser,
                                   @JsonProperty("ApiUrl") String apiUrl,
                                   @JsonProperty("AccessToken") SecretReference token,
                                   @JsonProperty("SSHKeyPath") String sshKeyPath,
                                   @JsonProperty("DropletId") Integer dropletId,
                                   @JsonProperty("IPAddress") String ipAddress) {

    /** The name of the key, the firewall and the droplet: unique per create, so that rm never takes another machine's. */
    String resourceName() {
        return "jmachine-" + machineName + "-" + id.substring(0, 8);
    }

    DigitalOceanSettings withDroplet(Integer droplet, String address) {
        return new DigitalOceanSettings(machineName, id, region, size, image, sshUser, apiUrl, token, sshKeyPath, droplet, address);
    }
}
