package io.jmachine.drivers.cloud.digitalocean;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.cloud.SecretReference;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `create -d digitalocean [--digitalocean-…] NAME`: a droplet through jclouds' digitalocean2 API, with Docker Machine's flag
 * names and variables. This class only declares the flags: jclouds is loaded by the driver.
 */
public final class DigitalOceanDriverFactory implements DriverFactory {

    static final String ACCESS_TOKEN = "--digitalocean-access-token";
    static final String REGION = "--digitalocean-region";
    static final String SIZE = "--digitalocean-size";
    static final String IMAGE = "--digitalocean-image";
    static final String SSH_USER = "--digitalocean-ssh-user";
    static final String API_URL = "--digitalocean-api-url";

    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Map<String, String> environment;

    public DigitalOceanDriverFactory() {
        this(System.getenv());
    }

    public DigitalOceanDriverFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return DigitalOceanDriver.NAME;
    }

    @Override
    public String description() {
        return "A DigitalOcean droplet, through Apache jclouds.";
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                // no envVar: the driver keeps the variable's name and reads it at each call
                DriverFlag.string(ACCESS_TOKEN, "The API token (digitalocean driver; else $DIGITALOCEAN_ACCESS_TOKEN, read at each call). "
                        + "Kept in the machine's owner-only secrets file, never in machine.json.", null).asSecret(),
                DriverFlag.string(REGION, "The region (digitalocean driver).", "nyc3").withEnv("DIGITALOCEAN_REGION"),
                DriverFlag.string(SIZE, "The droplet size (digitalocean driver).", "s-1vcpu-2gb").withEnv("DIGITALOCEAN_SIZE"),
                DriverFlag.string(IMAGE, "A Debian or Ubuntu image's slug (digitalocean driver).", "debian-12-x64").withEnv("DIGITALOCEAN_IMAGE"),
                DriverFlag.string(SSH_USER, "The user cloud-init makes for SSH (digitalocean driver).", "docker").withEnv("DIGITALOCEAN_SSH_USER"),
                DriverFlag.string(API_URL, "The API's URL (digitalocean driver).", "https://api.digitalocean.com/v2").withEnv("DIGITALOCEAN_API_URL"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String token = options.string(ACCESS_TOKEN);
        DigitalOceanSettings settings = new DigitalOceanSettings(context.machineName(), UUID.randomUUID().toString(), options.string(REGION),
                options.string(SIZE), options.string(IMAGE), options.string(SSH_USER), options.string(API_URL),
                SecretReference.choose(ACCESS_TOKEN, token, "DIGITALOCEAN_ACCESS_TOKEN"), context.sshKey().toString(), null, null);
        return new DigitalOceanDriver(context, settings, token != null ? Map.of(ACCESS_TOKEN, token) : Map.of(), environment);
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            return new DigitalOceanDriver(context, JSON.treeToValue(settings, DigitalOceanSettings.class), secrets, environment);
        } catch (Exception e) {
            throw new DriverException("the digitalocean driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
