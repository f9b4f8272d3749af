package io.jmachine.drivers.cloud.google;

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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `create -d google [--google-…] NAME`: a Compute Engine instance through jclouds' google-compute-engine API, with Docker
 * Machine's flag names and variables; the service account's key file from $GOOGLE_APPLICATION_CREDENTIALS. This class only
 * declares the flags: jclouds is loaded by the driver.
 */
public final class GoogleDriverFactory implements DriverFactory {

    static final String PROJECT = "--google-project";
    static final String ZONE = "--google-zone";
    static final String MACHINE_TYPE = "--google-machine-type";
    static final String DISK_SIZE = "--google-disk-size";
    static final String NETWORK = "--google-network";
    static final String MACHINE_IMAGE = "--google-machine-image";
    static final String USERNAME = "--google-username";
    static final String ENDPOINT = "--google-endpoint";
    static final String CREDENTIALS_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS";

    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Map<String, String> environment;

    public GoogleDriverFactory() {
        this(System.getenv());
    }

    public GoogleDriverFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return GoogleDriver.NAME;
    }

    @Override
    public String description() {
        return "A Google Compute Engine instance (a service account's key from $GOOGLE_APPLICATION_CREDENTIALS), through Apache jclouds.";
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                DriverFlag.string(PROJECT, "The project (google driver; default: the service account's).", null).withEnv("GOOGLE_PROJECT"),
                DriverFlag.string(ZONE, "The zone (google driver).", "us-central1-a").withEnv("GOOGLE_ZONE"),
                DriverFlag.string(MACHINE_TYPE, "The machine type (google driver).", "e2-small").withEnv("GOOGLE_MACHINE_TYPE"),
                DriverFlag.integer(DISK_SIZE, "The boot disk's size in GB (google driver).", 10).withEnv("GOOGLE_DISK_SIZE"),
                DriverFlag.string(NETWORK, "The network (google driver).", "default").withEnv("GOOGLE_NETWORK"),
                DriverFlag.string(MACHINE_IMAGE, "An Ubuntu image with cloud-init, as PROJECT/global/images/[family/]NAME (google driver).",
                        "ubuntu-os-cloud/global/images/family/ubuntu-2204-lts").withEnv("GOOGLE_MACHINE_IMAGE"),
                DriverFlag.string(USERNAME, "The user cloud-init makes for SSH (google driver).", "docker").withEnv("GOOGLE_USERNAME"),
                DriverFlag.string(ENDPOINT, "The Compute Engine API's URL (google driver).", "https://compute.googleapis.com/compute/v1")
                        .withEnv("GOOGLE_COMPUTE_ENDPOINT"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String file = environment.get(CREDENTIALS_VARIABLE);
        GoogleSettings settings = new GoogleSettings(context.machineName(), UUID.randomUUID().toString(), options.string(PROJECT),
                options.string(ZONE), options.string(MACHINE_TYPE), options.integer(DISK_SIZE), options.string(NETWORK),
                options.string(MACHINE_IMAGE), options.string(USERNAME), options.string(ENDPOINT), CREDENTIALS_VARIABLE,
                file == null ? null : Path.of(file).toAbsolutePath().toString(), context.sshKey().toString(), null);
        return new GoogleDriver(context, settings, environment);
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            return new GoogleDriver(context, JSON.treeToValue(settings, GoogleSettings.class), environment);
        } catch (Exception e) {
            throw new DriverException("the google driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
