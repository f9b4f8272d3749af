package io.jmachine.drivers.cloud.ec2;

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
import io.jmachine.drivers.PreCreateCheckException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `create -d amazonec2 [--amazonec2-…] NAME`: an EC2 instance (or one of an EC2-compatible endpoint) through jclouds'
 * aws-ec2 provider. Docker Machine's flag names and variables. This class only declares the flags: jclouds is loaded
 * by {@link Ec2Driver}, when a machine of this driver is used.
 */
public final class Ec2DriverFactory implements DriverFactory {

    static final String ACCESS_KEY = "--amazonec2-access-key";
    static final String SECRET_KEY = "--amazonec2-secret-key";
    static final String REGION = "--amazonec2-region";
    static final String ZONE = "--amazonec2-zone";
    static final String INSTANCE_TYPE = "--amazonec2-instance-type";
    static final String AMI = "--amazonec2-ami";
    static final String SSH_USER = "--amazonec2-ssh-user";
    static final String VPC_ID = "--amazonec2-vpc-id";
    static final String SUBNET_ID = "--amazonec2-subnet-id";
    static final String SECURITY_GROUP = "--amazonec2-security-group";
    static final String ROOT_SIZE = "--amazonec2-root-size";
    static final String TAGS = "--amazonec2-tags";
    static final String PRIVATE_ADDRESS_ONLY = "--amazonec2-private-address-only";
    static final String ENDPOINT = "--amazonec2-endpoint";

    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Map<String, String> environment;
    private final Path home;

    /** The one ServiceLoader uses: the process's environment and home. */
    public Ec2DriverFactory() {
        this(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public Ec2DriverFactory(Map<String, String> environment, Path home) {
        this.environment = environment;
        this.home = home;
    }

    @Override
    public String name() {
        return Ec2Driver.NAME;
    }

    @Override
    public String description() {
        return "An Amazon EC2 instance (or one of an EC2-compatible endpoint), through Apache jclouds.";
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                // no envVar: the CLI would copy the value into the flag; the driver keeps a reference to the variable instead
                DriverFlag.string(ACCESS_KEY, "AWS access key (amazonec2 driver; else $AWS_ACCESS_KEY_ID, else ~/.aws/credentials "
                        + "with $AWS_PROFILE). Kept in the machine's owner-only secrets file, never in machine.json.", null).asSecret(),
                DriverFlag.string(SECRET_KEY, "AWS secret key (amazonec2 driver; else $AWS_SECRET_ACCESS_KEY, else ~/.aws/credentials).",
                        null).asSecret(),
                DriverFlag.string(REGION, "The region (amazonec2 driver).", "us-east-1").withEnv("AWS_DEFAULT_REGION"),
                DriverFlag.string(ZONE, "The availability zone's letter (amazonec2 driver).", "a").withEnv("AWS_ZONE"),
                DriverFlag.string(INSTANCE_TYPE, "The instance type (amazonec2 driver).", "t3.small").withEnv("AWS_INSTANCE_TYPE"),
                DriverFlag.string(AMI, "The AMI (amazonec2 driver; default: the newest official Debian 12 AMI of the region).", null)
                        .withEnv("AWS_AMI"),
                DriverFlag.string(SSH_USER, "The user cloud-init makes for SSH (amazonec2 driver).", "docker").withEnv("AWS_SSH_USER"),
                DriverFlag.string(VPC_ID, "The VPC (amazonec2 driver; default: the region's default VPC).", null).withEnv("AWS_VPC_ID"),
                DriverFlag.string(SUBNET_ID, "The subnet (amazonec2 driver).", null).withEnv("AWS_SUBNET_ID"),
                DriverFlag.stringList(SECURITY_GROUP, "Your security group(s) to use instead of the one jmachine makes and removes "
                        + "(amazonec2 driver; it must open SSH and 2376 to you).").withEnv("AWS_SECURITY_GROUP"),
                DriverFlag.integer(ROOT_SIZE, "The root disk's size in GB (amazonec2 driver).", 16).withEnv("AWS_ROOT_SIZE"),
                DriverFlag.string(TAGS, "More tags: key1,value1,key2,value2 (amazonec2 driver).", null).withEnv("AWS_TAGS"),
                DriverFlag.bool(PRIVATE_ADDRESS_ONLY, "Use the instance's private address only (amazonec2 driver).").withEnv("AWS_PRIVATE_IP"),
                DriverFlag.string(ENDPOINT, "An EC2-compatible endpoint URL instead of AWS's (amazonec2 driver).", null)
                        .withEnv("AWS_ENDPOINT"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String accessKey = options.string(ACCESS_KEY);
        String secretKey = options.string(SECRET_KEY);
        Map<String, String> secrets = new LinkedHashMap<>();
        if (accessKey != null) {
            secrets.put(ACCESS_KEY, accessKey);
        }
        if (secretKey != null) {
            secrets.put(SECRET_KEY, secretKey);
        }
        String zone = options.string(ZONE);
        Ec2Settings settings = new Ec2Settings(context.machineName(), UUID.randomUUID().toString(), options.string(REGION),
                zone, options.string(INSTANCE_TYPE), options.string(AMI), options.string(SSH_USER), options.string(VPC_ID),
                options.string(SUBNET_ID), List.copyOf(options.strings(SECURITY_GROUP)), options.integer(ROOT_SIZE),
                parseTags(options.string(TAGS)), options.bool(PRIVATE_ADDRESS_ONLY), options.string(ENDPOINT),
                AwsCredentials.choose(accessKey, secretKey, environment, home), context.sshKey().toString(),
                null, null, null, null, null);
        return new Ec2Driver(context, settings, secrets, environment);
    }

    /** Docker Machine's --amazonec2-tags: key1,value1,key2,value2. */
    static Map<String, String> parseTags(String spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return tags;
        }
        String[] parts = spec.split(",", -1);
        if (parts.length % 2 != 0) {
            throw new PreCreateCheckException(TAGS + " " + spec + " has a key without a value: give key1,value1,key2,value2");
        }
        for (int i = 0; i < parts.length; i += 2) {
            tags.put(parts[i].strip(), parts[i + 1].strip());
        }
        return tags;
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            return new Ec2Driver(context, JSON.treeToValue(settings, Ec2Settings.class), secrets, environment);
        } catch (Exception e) {
            throw new DriverException("the amazonec2 driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
