package io.jmachine.drivers.cloud.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.inject.Module;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;
import org.jclouds.ContextBuilder;
import org.jclouds.googlecomputeengine.GoogleComputeEngineApi;
import org.jclouds.googlecomputeengine.domain.AttachDisk;
import org.jclouds.googlecomputeengine.domain.Firewall;
import org.jclouds.googlecomputeengine.domain.Instance;
import org.jclouds.googlecomputeengine.domain.NewInstance;
import org.jclouds.googlecomputeengine.domain.Operation;
import org.jclouds.googlecomputeengine.domain.Tags;
import org.jclouds.googlecomputeengine.options.FirewallOptions;
import org.jclouds.http.HttpResponseException;
import io.jmachine.drivers.cloud.QuietLogging;
import org.jclouds.rest.AuthorizationException;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/** The Compute Engine calls the google driver makes, through jclouds; failures become one-line {@link DriverException}s. */
final class GoogleCloud implements Closeable {

    /** An instance as the driver needs it. */
    record Server(String status, String natIp, String internalIp) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GoogleComputeEngineApi api;
    private final String endpoint;
    private final String project;
    private final String zone;
    private final String where;

    private GoogleCloud(GoogleComputeEngineApi api, String endpoint, String project, String zone) {
        this.api = api;
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.project = project;
        this.zone = zone;
        this.where = "Compute Engine (project " + project + ")";
    }

    /** Reads the service account's key file now and connects with it. */
    static GoogleCloud connect(GoogleSettings settings) {
        if (settings.credentialsFile() == null) {
            throw new PreCreateCheckException("no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service account's JSON key file");
        }
        JsonNode key;
        try {
            key = JSON.readTree(Files.readString(Path.of(settings.credentialsFile())));
        } catch (IOException e) {
            throw new PreCreateCheckException("cannot read the Google credentials " + settings.credentialsFile()
                    + " (GOOGLE_APPLICATION_CREDENTIALS): " + e.getMessage());
        }
        String email = key.path("client_email").asText(null);
        String privateKey = key.path("private_key").asText(null);
        if (email == null || privateKey == null) {
            throw new PreCreateCheckException(settings.credentialsFile() + " (GOOGLE_APPLICATION_CREDENTIALS) is not a service account key: "
                    + "it has no client_email or private_key");
        }
        String project = settings.project() != null ? settings.project() : key.path("project_id").asText(null);
        String tokenUri = key.path("token_uri").asText("https://oauth2.googleapis.com/token");
        Properties overrides = new Properties();
        overrides.setProperty("oauth.endpoint", tokenUri);
        overrides.setProperty("jclouds.oauth.audience", tokenUri);
        overrides.setProperty("jclouds.googlecloud.project-name", project);
        overrides.setProperty("jclouds.connection-timeout", "10000");
        overrides.setProperty("jclouds.so-timeout", "60000");
        overrides.setProperty("jclouds.max-retries", "3");
        try {
            GoogleComputeEngineApi api = ContextBuilder.newBuilder("google-compute-engine").endpoint(settings.endpoint())
                    .credentials(email, privateKey).modules(ImmutableSet.<Module>of(new QuietLogging())).overrides(overrides)
                    .buildApi(GoogleComputeEngineApi.class);
            return new GoogleCloud(api, settings.endpoint(), project, settings.zone());
        } catch (RuntimeException e) {
            throw new DriverException("cannot set up jclouds for Compute Engine: " + e.getMessage(), e);
        }
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (DriverException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root && !(root instanceof HttpResponseException)) {
                root = root.getCause();
            }
            if (e instanceof AuthorizationException || root instanceof AuthorizationException) {
                throw new DriverException(where + " refused the service account (" + what + "); check GOOGLE_APPLICATION_CREDENTIALS and its roles", e);
            }
            if (root instanceof HttpResponseException h) {
                throw new DriverException(where + ": " + what + " failed: " + messageOf(h), e);
            }
            throw new DriverException(where + ": " + what + " failed: " + (root.getMessage() != null ? root.getMessage() : root.toString())
                    + (root instanceof java.net.ConnectException ? " (is it up?)" : ""), e);
        }
    }

    private static String messageOf(HttpResponseException e) {
        try {
            JsonNode message = e.getContent() == null ? null : JSON.readTree(e.getContent()).path("error").get("message");
            return message != null ? message.asText() : e.getMessage();
        } catch (IOException ignored) {
            return e.getMessage();
        }
    }

    private URI uri(String path) {
        return URI.create(endpoint + "/projects/" + path);
    }

    URI zoneUri(String kind, String name) {
        return uri(project + "/zones/" + zone + "/" + kind + "/" + name);
    }

    URI networkUri(String network) {
        return uri(project + "/global/networks/" + network);
    }

    URI imageUri(String image) {
        return uri(image);
    }

    boolean zoneExists() {
        return call("get the zone " + zone, () -> api.zones().get(zone) != null);
    }

    boolean machineTypeExists(String type) {
        return call("get the machine type " + type, () -> api.machineTypesInZone(zone).get(type) != null);
    }

    /** A firewall rule on the network that lets in TCP on {@code ports} to the instances tagged {@code name}. */
    void createFirewall(String name, String network, Duration timeout, String... ports) {
        FirewallOptions options = new FirewallOptions().addAllowedRule(Firewall.Rule.create("tcp", List.of(ports)))
                .sourceRanges(List.of("0.0.0.0/0")).targetTags(List.of(name));
        await(call("create the firewall rule " + name, () -> api.firewalls().createInNetwork(name, networkUri(network), options)),
                "create the firewall rule " + name, timeout);
    }

    boolean firewallExists(String name) {
        return call("get the firewall rule " + name, () -> api.firewalls().get(name) != null);
    }

    void deleteFirewall(String name, Duration timeout) {
        await(call("delete the firewall rule " + name, () -> api.firewalls().delete(name)), "delete the firewall rule " + name, timeout);
    }

    void createInstance(String name, String machineType, String network, String image, int diskSizeGb, Map<String, String> metadata,
                        Duration timeout) {
        AttachDisk boot = AttachDisk.create(AttachDisk.Type.PERSISTENT, AttachDisk.Mode.READ_WRITE, null, null, true,
                AttachDisk.InitializeParams.create(null, (long) diskSizeGb, imageUri(image), null), true, null, null);
        NewInstance instance = NewInstance.create(name, zoneUri("machineTypes", machineType), networkUri(network),
                null, List.of(boot), "jmachine " + name, Tags.create(null, ImmutableList.of(name)));
        instance.metadata().putAll(metadata);
        await(call("create the instance " + name, () -> api.instancesInZone(zone).create(instance)), "create the instance " + name, timeout);
    }

    Optional<Server> instance(String name) {
        return call("get the instance " + name, () -> Optional.ofNullable(api.instancesInZone(zone).get(name)).map(GoogleCloud::serverOf));
    }

    private static Server serverOf(Instance instance) {
        String nat = null;
        String internal = null;
        for (Instance.NetworkInterface nic : instance.networkInterfaces()) {
            internal = internal != null ? internal : nic.networkIP();
            for (Instance.NetworkInterface.AccessConfig config : nic.accessConfigs()) {
                nat = nat != null ? nat : config.natIP();
            }
        }
        return new Server(instance.status().name(), nat, internal);
    }

    void start(String name, Duration timeout) {
        await(call("start " + name, () -> api.instancesInZone(zone).start(name)), "start " + name, timeout);
    }

    void stop(String name, Duration timeout) {
        await(call("stop " + name, () -> api.instancesInZone(zone).stop(name)), "stop " + name, timeout);
    }

    void reset(String name, Duration timeout) {
        await(call("reset " + name, () -> api.instancesInZone(zone).reset(name)), "reset " + name, timeout);
    }

    void deleteInstance(String name, Duration timeout) {
        await(call("delete the instance " + name, () -> api.instancesInZone(zone).delete(name)), "delete the instance " + name, timeout);
    }

    /** Waits for an operation to be DONE; its error, if any, is the call's. */
    private void await(Operation operation, String what, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Operation current = operation;
        while (current != null && current.status() != Operation.Status.DONE) {
            if (Instant.now().isAfter(deadline)) {
                throw new DriverException(where + ": " + what + " is not done after " + timeout.toSeconds() + " s");
            }
            io.jmachine.drivers.cloud.CloudHost.pause(Duration.ofSeconds(1));
            URI self = current.selfLink();
            current = call("wait for " + what, () -> api.operations().get(self));
        }
        if (current != null && current.error() != null && !current.error().errors().isEmpty()) {
            var error = current.error().errors().get(0);
            throw new DriverException(where + ": " + what + " failed: " + error.code() + ": " + error.message());
        }
    }

    @Override
    public void close() {
        try {
            api.close();
        } catch (IOException e) {
            // nothing is left open that matters
        }
    }
}
