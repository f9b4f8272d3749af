package io.jmachine.provisioner.store;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Docker Machine's HostOptions: what jmachine itself does on the host, whatever the driver. */
public record HostOptions(@JsonProperty("Driver") String driver,
                          @JsonProperty("EngineOptions") EngineOptions engineOptions,
                          @JsonProperty("AuthOptions") AuthOptions authOptions) {

    public HostOptions withAuthOptions(AuthOptions auth) {
        return new HostOptions(driver, engineOptions, auth);
    }

    public HostOptions withEngineOptions(EngineOptions engine) {
        return new HostOptions(driver, engine, authOptions);
    }
}
