package io.jmachine.drivers.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** `create -d generic --generic-ip-address ADDR [--generic-ssh-…] NAME`: adopt a host over SSH. */
public final class GenericDriverFactory implements DriverFactory {

    static final String IP_ADDRESS = "--generic-ip-address";
    static final String SSH_USER = "--generic-ssh-user";
    static final String SSH_KEY = "--generic-ssh-key";
    static final String SSH_PORT = "--generic-ssh-port";
    static final String ENGINE_PORT = "--generic-engine-port";

    // settings written by a newer jmachine may carry more fields: keep what this one knows
    /** Made on first restore: a registry is made on every start, and most verbs restore no machine of this driver. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    @Override
    public String name() {
        return GenericDriver.NAME;
    }

    @Override
    public String description() {
        return "A host that already runs, adopted over SSH; rm leaves the host itself alone.";
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                DriverFlag.string(IP_ADDRESS, "The host's IP address or name (generic driver).", null).withEnv("GENERIC_IP_ADDRESS"),
                DriverFlag.string(SSH_USER, "The SSH user, root or one with password-less sudo (generic driver).", "root")
                        .withEnv("GENERIC_SSH_USER"),
                DriverFlag.string(SSH_KEY, "The private SSH key the host accepts; jmachine keeps a copy (generic driver).", null)
                        .withEnv("GENERIC_SSH_KEY"),
                DriverFlag.integer(SSH_PORT, "The SSH port (generic driver).", 22).withEnv("GENERIC_SSH_PORT"),
                DriverFlag.integer(ENGINE_PORT, "The port the engine listens on, with mutual TLS (generic driver).", 2376)
                        .withEnv("GENERIC_ENGINE_PORT"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String key = options.string(SSH_KEY);
        return new GenericDriver(context, new GenericDriver.Settings(context.machineName(), options.string(IP_ADDRESS),
                options.string(SSH_USER), options.integer(SSH_PORT),
                key == null ? null : Path.of(key).toAbsolutePath().toString(), context.sshKey().toString(),
                options.integer(ENGINE_PORT), context.storeRoot().toString()));
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            return new GenericDriver(context, Json.MAPPER.treeToValue(settings, GenericDriver.Settings.class));
        } catch (Exception e) {
            throw new DriverException("the generic driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
