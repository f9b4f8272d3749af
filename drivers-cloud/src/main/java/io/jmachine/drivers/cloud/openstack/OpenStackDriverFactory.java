package io.jmachine.drivers.cloud.openstack;

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
 * `create -d openstack [--openstack-…] NAME`: a Nova server through jclouds' openstack-nova API (Keystone v3), with Docker
 * Machine's flag names and OS_* variables. This class only declares the flags: jclouds is loaded by the driver.
 */
public final class OpenStackDriverFactory implements DriverFactory {

    static final String AUTH_URL = "--openstack-auth-url";
    static final String USERNAME = "--openstack-username";
    static final String PASSWORD = "--openstack-password";
    static final String DOMAIN_NAME = "--openstack-domain-name";
    static final String TENANT_NAME = "--openstack-tenant-name";
    static final String REGION = "--openstack-region";
    static final String FLAVOR_NAME = "--openstack-flavor-name";
    static final String IMAGE_NAME = "--openstack-image-name";
    static final String NET_ID = "--openstack-net-id";
    static final String FLOATINGIP_POOL = "--openstack-floatingip-pool";
    static final String SEC_GROUPS = "--openstack-sec-groups";
    static final String SSH_USER = "--openstack-ssh-user";

    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Map<String, String> environment;

    public OpenStackDriverFactory() {
        this(System.getenv());
    }

    public OpenStackDriverFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return OpenStackDriver.NAME;
    }

    @Override
    public String description() {
        return "An OpenStack Nova server (Keystone v3 password authentication), through Apache jclouds.";
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                DriverFlag.string(AUTH_URL, "Keystone's URL, e.g. https://keystone:5000/v3 (openstack driver).", null).withEnv("OS_AUTH_URL"),
                DriverFlag.string(USERNAME, "The user (openstack driver).", null).withEnv("OS_USERNAME"),
                // no envVar: the driver keeps the variable's name and reads it at each call
                DriverFlag.string(PASSWORD, "The password (openstack driver; else $OS_PASSWORD, read at each call). Kept in the "
                        + "machine's owner-only secrets file, never in machine.json.", null).asSecret(),
                DriverFlag.string(DOMAIN_NAME, "The user's and project's domain (openstack driver).", "Default").withEnv("OS_DOMAIN_NAME"),
                DriverFlag.string(TENANT_NAME, "The project (openstack driver).", null).withEnv("OS_TENANT_NAME"),
                DriverFlag.string(REGION, "The region (openstack driver; default: the only one).", null).withEnv("OS_REGION_NAME"),
                DriverFlag.string(FLAVOR_NAME, "The flavor (openstack driver).", null).withEnv("OS_FLAVOR_NAME"),
                DriverFlag.string(IMAGE_NAME, "A Debian or Ubuntu cloud image (openstack driver).", null).withEnv("OS_IMAGE_NAME"),
                DriverFlag.string(NET_ID, "The network's id (openstack driver).", null).withEnv("OS_NETWORK_ID"),
                DriverFlag.string(FLOATINGIP_POOL, "A pool to take a floating IP from (openstack driver).", null).withEnv("OS_FLOATINGIP_POOL"),
                DriverFlag.stringList(SEC_GROUPS, "Your security groups to use instead of the one jmachine makes (openstack driver).")
                        .withEnv("OS_SECURITY_GROUPS"),
                DriverFlag.string(SSH_USER, "The user cloud-init makes for SSH (openstack driver).", "docker").withEnv("OS_SSH_USER"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String password = options.string(PASSWORD);
        String tenant = options.string(TENANT_NAME) != null ? options.string(TENANT_NAME) : environment.get("OS_PROJECT_NAME");
        OpenStackSettings settings = new OpenStackSettings(context.machineName(), UUID.randomUUID().toString(), options.string(AUTH_URL),
                options.string(USERNAME), options.string(DOMAIN_NAME), tenant, options.string(REGION), options.string(FLAVOR_NAME),
                options.string(IMAGE_NAME), options.string(NET_ID), options.string(FLOATINGIP_POOL), List.copyOf(options.strings(SEC_GROUPS)),
                options.string(SSH_USER), context.sshKey().toString(), SecretReference.choose(PASSWORD, password, "OS_PASSWORD"),
                null, null, null);
        return new OpenStackDriver(context, settings, password != null ? Map.of(PASSWORD, password) : Map.of(), environment);
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            return new OpenStackDriver(context, JSON.treeToValue(settings, OpenStackSettings.class), secrets, environment);
        } catch (Exception e) {
            throw new DriverException("the openstack driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
