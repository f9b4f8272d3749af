package io.jmachine.engine.network;

import java.util.List;

/** A network (name or ID) and what the container asked for there (its aliases, address, links). */
public record EndpointRequest(String network, EndpointConfig config) {
    public EndpointRequest {
        config = config == null ? EndpointConfig.NONE : config;
    }

    /** Also the stored form of engines before EndpointConfig, which kept only the aliases. */
    @com.fasterxml.jackson.annotation.JsonCreator
    static EndpointRequest read(@com.fasterxml.jackson.annotation.JsonProperty("network") String network,
                                @com.fasterxml.jackson.annotation.JsonProperty("config") EndpointConfig config,
                                @com.fasterxml.jackson.annotation.JsonProperty("aliases") List<String> aliases) {
        return new EndpointRequest(network, config != null ? config : EndpointConfig.withAliasesOnly(aliases));
    }

    public List<String> aliases() {
        return config.aliasList();
    }
}
