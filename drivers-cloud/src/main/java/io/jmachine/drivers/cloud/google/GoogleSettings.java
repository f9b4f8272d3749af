package io.jmachine.drivers.cloud.google;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * machine.json's "Driver" object of a google machine: the flags, the path of the service account's key file (never the
 * key), and the names of what create made (instance and firewall rule, after the machine's id), so that rm removes that.
 *
 * @param credentialsFile the service account key file, as $GOOGLE_APPLICATION_CREDENTIALS named it at create; read at each call
 */
public record GoogleSettings(@JsonProperty("MachineName") String machineName,
                             @JsonProperty("Id") String id,
                             @JsonProperty("Project") String project,
                             @JsonProperty("Zone") String zone,
                             @JsonProperty("MachineType") String machineType,
                             @JsonProperty("DiskSize") int diskSize,
                             @JsonProperty("Network") String network,
                             @JsonProperty("MachineImage") String machineImage,
                             @JsonProperty("SSHUser") String sshUser,
                             @JsonProperty("Endpoint") String endpoint,
                             @JsonProperty("CredentialsVariable") String credentialsVariable,
                             @JsonProperty("CredentialsFile") String credentialsFile,
                             @JsonProperty("SSHKeyPath") String sshKeyPath,
                             @JsonProperty("IPAddress") String ipAddress) {

    /** The instance's and the firewall rule's name (also the network tag the rule targets): unique per create. */
    String resourceName() {
        return "jmachine-" + machineName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-" + id.substring(0, 8);
    }

    GoogleSettings withAddress(String address) {
        return new GoogleSettings(machineName, id, project, zone, machineType, diskSize, network, machineImage, sshUser, endpoint,
                credentialsVariable, credentialsFile, sshKeyPath, address);
    }
}
