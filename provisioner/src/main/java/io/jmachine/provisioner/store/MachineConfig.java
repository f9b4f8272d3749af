package io.jmachine.provisioner.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;


/**
 * A machine as machines/NAME/machine.json holds it, with Docker Machine's field names where it has them, so
 * that `inspect -f '{{.Driver.IPAddress}}'` and scripts read the same paths.
 *
 * @param configVersion the format version of this file ({@link #CURRENT_VERSION}); older ones are migrated on load
 * @param driver        the driver's own settings (what {@code Driver.settings()} returned)
 * @param createdAt     ISO-8601 instant
 */
public record MachineConfig(@JsonProperty("ConfigVersion") int configVersion,
                            @JsonProperty("Name") String name,
                            @JsonProperty("DriverName") String driverName,
                            @JsonProperty("Driver") JsonNode driver,
                            @JsonProperty("HostOptions") HostOptions hostOptions,
                            @JsonProperty("CreatedAt") String createdAt) {

    public static final int CURRENT_VERSION = 1;

    public MachineConfig withDriver(JsonNode settings) {
        return new MachineConfig(configVersion, name, driverName, settings, hostOptions, createdAt);
    }

    public MachineConfig withHostOptions(HostOptions options) {
        return new MachineConfig(configVersion, name, driverName, driver, options, createdAt);
    }
}
