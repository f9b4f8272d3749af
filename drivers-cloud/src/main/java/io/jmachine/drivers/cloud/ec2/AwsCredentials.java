package io.jmachine.drivers.cloud.ec2;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the AWS credentials of a machine come from: machine.json keeps this reference, never the keys, and they are
 * read again at each call (keys given as flags live in the machine's owner-only secrets file instead).
 *
 * @param source  "flags" (secrets file), "environment" (the variables below) or "shared-file" (file and profile)
 * @param file    the shared credentials file (source shared-file)
 * @param profile its profile (source shared-file)
 */
public record AwsCredentials(@JsonProperty("Source") String source,
                             @JsonProperty("AccessKeyVariable") String accessKeyVariable,
                             @JsonProperty("SecretKeyVariable") String secretKeyVariable,
                             @JsonProperty("File") String file,
                             @JsonProperty("Profile") String profile,
                             @JsonProperty("Values") String values) {

    static final String ACCESS_KEY_ENV = "AWS_ACCESS_KEY_ID";
    static final String SECRET_KEY_ENV = "AWS_SECRET_ACCESS_KEY";
    static final String FLAGS = "flags";
    static final String ENVIRONMENT = "environment";
    static final String SHARED_FILE = "shared-file";
    /** What inspect shows in place of the values. */
    static final String MASKED = "not stored here: read from the source at each call";

    /** The keys themselves, held in memory only for one call. */
    public record Keys(String accessKey, String secretKey) {
        @Override
        public String toString() {
            return "Keys[" + accessKey + ", ****]";
        }
    }

    /**
     * The reference for a new machine, as Docker Machine looks: the flags, else the two variables, else the shared
     * credentials file ($AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) with $AWS_PROFILE (default "default").
     * A source with no credentials in it is kept as it is: the pre-create check names what is missing.
     */
    static AwsCredentials choose(String accessKeyFlag, String secretKeyFlag, Map<String, String> env, Path home) {
        if (accessKeyFlag != null || secretKeyFlag != null) {
            return new AwsCredentials(FLAGS, null, null, null, null, MASKED);
        }
        if (env.get(ACCESS_KEY_ENV) != null || env.get(SECRET_KEY_ENV) != null) {
            return new AwsCredentials(ENVIRONMENT, ACCESS_KEY_ENV, SECRET_KEY_ENV, null, null, MASKED);
        }
        Path file = Optional.ofNullable(env.get("AWS_SHARED_CREDENTIALS_FILE")).map(Path::of)
                .orElse(home.resolve(".aws").resolve("credentials"));
        if (Files.isRegularFile(file)) {
            return new AwsCredentials(SHARED_FILE, null, null, file.toAbsolutePath().toString(),
                    env.getOrDefault("AWS_PROFILE", "default"), MASKED);
        }
        return new AwsCredentials(ENVIRONMENT, ACCESS_KEY_ENV, SECRET_KEY_ENV, null, null, MASKED);
    }

    /**
     * Reads the keys now. Missing ones fail as a pre-create check (exit 3) that names where they were looked for.
     *
     * @param secrets the machine's secrets file (keys given as flags)
     */
    Keys read(Map<String, String> secrets, Map<String, String> env) {
        String access;
        String secret;
        switch (source) {
            case FLAGS -> {
                access = secrets.get(Ec2DriverFactory.ACCESS_KEY);
                secret = secrets.get(Ec2DriverFactory.SECRET_KEY);
            }
            case SHARED_FILE -> {
                Map<String, String> section = profileSection(Path.of(file), profile);
                access = section.get("aws_access_key_id");
                secret = section.get("aws_secret_access_key");
            }
            default -> {
                access = env.get(accessKeyVariable);
                secret = env.get(secretKeyVariable);
            }
        }
        if (blank(access) || blank(secret)) {
            throw new PreCreateCheckException("no AWS credentials: set " + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV
                    + " (or --amazonec2-access-key and --amazonec2-secret-key, or a profile in ~/.aws/credentials with AWS_PROFILE)"
                    + (SHARED_FILE.equals(source) ? "; " + file + " has no aws_access_key_id/aws_secret_access_key in [" + profile + "]" : ""));
        }
        return new Keys(access.strip(), secret.strip());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The key = value lines of {@code [profile]} in an AWS shared credentials file (an INI file). */
    static Map<String, String> profileSection(Path file, String profile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DriverException("cannot read the AWS credentials file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> section = new java.util.HashMap<>();
        boolean inside = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                inside = line.substring(1, line.length() - 1).strip().equals(profile);
            } else if (inside && line.contains("=") && !line.startsWith("#") && !line.startsWith(";")) {
                int eq = line.indexOf('=');
                section.put(line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return section;
    }
}
