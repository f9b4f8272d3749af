package io.jmachine.drivers.cloud.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import com.google.inject.Module;
import io.jmachine.drivers.DriverException;
import org.jclouds.ContextBuilder;
import org.jclouds.digitalocean2.DigitalOcean2Api;
import org.jclouds.digitalocean2.domain.Droplet;
import org.jclouds.digitalocean2.domain.options.CreateDropletOptions;
import org.jclouds.http.HttpResponseException;
import io.jmachine.drivers.cloud.QuietLogging;
import org.jclouds.rest.AuthorizationException;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The DigitalOcean calls the digitalocean driver makes: droplets, regions and sizes through jclouds' digitalocean2 API;
 * SSH keys and firewalls over the same REST API directly, as jclouds has no firewalls and parses only RSA and DSA keys.
 */
final class DigitalOceanCloud implements Closeable {

    /** A droplet as the driver needs it. */
    record Instance(int id, String status, String publicIp) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DigitalOcean2Api api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiUrl;
    private final String token;
    private final String where;

    DigitalOceanCloud(String apiUrl, String token) {
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.token = token;
        this.where = "DigitalOcean at " + this.apiUrl;
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.connection-timeout", "10000");
        overrides.setProperty("jclouds.so-timeout", "60000");
        overrides.setProperty("jclouds.max-retries", "3");
        try {
            api = ContextBuilder.newBuilder("digitalocean2").endpoint(this.apiUrl).credentials("jmachine", token)
                    .modules(ImmutableSet.<Module>of(new QuietLogging())).overrides(overrides).buildApi(DigitalOcean2Api.class);
        } catch (RuntimeException e) {
            throw new DriverException("cannot set up jclouds for " + where + ": " + e.getMessage(), e);
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
            if (e instanceof AuthorizationException || root instanceof AuthorizationException
                    || root instanceof HttpResponseException h && h.getResponse() != null && h.getResponse().getStatusCode() == 401) {
                throw new DriverException(where + " refused the token (" + what + "); check DIGITALOCEAN_ACCESS_TOKEN", e);
            }
            if (root instanceof HttpResponseException h) {
                throw new DriverException(where + ": " + what + " failed: " + messageOf(h.getContent(), h.getMessage()), e);
            }
            throw new DriverException(where + ": " + what + " failed: " + (root.getMessage() != null ? root.getMessage() : root.toString())
                    + (root instanceof java.net.ConnectException ? " (is it up?)" : ""), e);
        }
    }

    /** DigitalOcean's own "message" of an error body. */
    private static String messageOf(String body, String otherwise) {
        try {
            JsonNode message = body == null ? null : JSON.readTree(body).get("message");
            return message != null ? message.asText() : otherwise;
        } catch (IOException e) {
            return otherwise;
        }
    }

    private void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    boolean regionExists(String slug) {
        return call("list regions", () -> api.regionApi().list().concat().anyMatch(r -> slug.equals(r.slug())));
    }

    boolean sizeExists(String slug) {
        return call("list sizes", () -> api.sizeApi().list().concat().anyMatch(s -> slug.equals(s.slug())));
    }

    /** Creates the droplet with the key and the user-data. @return its id */
    int createDroplet(String name, String region, String size, String image, int keyId, String userData) {
        CreateDropletOptions options = CreateDropletOptions.builder().addSshKeyId(keyId).userData(userData).build();
        return call("create the droplet " + name, () -> api.dropletApi().create(name, region, size, image, options).droplet().id());
    }

    Optional<Instance> droplet(int id) {
        return call("get the droplet " + id, () -> Optional.ofNullable(api.dropletApi().get(id)).map(DigitalOceanCloud::instanceOf));
    }

    List<Instance> dropletsNamed(String name) {
        return call("list droplets", () -> api.dropletApi().list().concat().filter(d -> name.equals(d.name()))
                .transform(DigitalOceanCloud::instanceOf).toList());
    }

    private static Instance instanceOf(Droplet droplet) {
        String ip = droplet.getPublicAddresses().stream().map(a -> a.ip()).findFirst().orElse(null);
        return new Instance(droplet.id(), droplet.status().name().toLowerCase(java.util.Locale.ROOT), ip);
    }

    void powerOn(int id) {
        run("power on " + id, () -> api.dropletApi().powerOn(id));
    }

    void shutdown(int id) {
        run("shut down " + id, () -> api.dropletApi().shutdown(id));
    }

    void powerOff(int id) {
        run("power off " + id, () -> api.dropletApi().powerOff(id));
    }

    void reboot(int id) {
        run("reboot " + id, () -> api.dropletApi().reboot(id));
    }

    void deleteDroplet(int id) {
        run("delete the droplet " + id, () -> api.dropletApi().delete(id));
    }

    /** Imports the machine's public key (any type DigitalOcean takes). @return its id */
    int importKey(String name, String publicKey) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("public_key", publicKey);
        return send("POST", "/account/keys", body, "import the key " + name).path("ssh_key").path("id").asInt();
    }

    /** The ids of the keys of that name. */
    List<Integer> keysNamed(String name) {
        List<Integer> ids = new ArrayList<>();
        send("GET", "/account/keys?per_page=200", null, "list keys").path("ssh_keys")
                .forEach(k -> { if (name.equals(k.path("name").asText())) { ids.add(k.path("id").asInt()); } });
        return ids;
    }

    void deleteKey(int id) {
        send("DELETE", "/account/keys/" + id, null, "delete the key " + id);
    }

    /** A firewall on the droplet that lets in TCP on {@code ports} from anywhere and lets everything out. @return its id */
    String createFirewall(String name, int dropletId, int... ports) {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        var inbound = body.putArray("inbound_rules");
        for (int port : ports) {
            ObjectNode rule = inbound.addObject().put("protocol", "tcp").put("ports", Integer.toString(port));
            rule.putObject("sources").putArray("addresses").add("0.0.0.0/0").add("::/0");
        }
        var outbound = body.putArray("outbound_rules");
        for (String protocol : List.of("tcp", "udp")) {
            outbound.addObject().put("protocol", protocol).put("ports", "all").putObject("destinations").putArray("addresses")
                    .add("0.0.0.0/0").add("::/0");
        }
        outbound.addObject().put("protocol", "icmp").putObject("destinations").putArray("addresses").add("0.0.0.0/0").add("::/0");
        body.putArray("droplet_ids").add(dropletId);
        return send("POST", "/firewalls", body, "create the firewall " + name).path("firewall").path("id").asText();
    }

    List<String> firewallsNamed(String name) {
        List<String> ids = new ArrayList<>();
        send("GET", "/firewalls?per_page=200", null, "list firewalls").path("firewalls")
                .forEach(f -> { if (name.equals(f.path("name").asText())) { ids.add(f.path("id").asText()); } });
        return ids;
    }

    void deleteFirewall(String id) {
        send("DELETE", "/firewalls/" + id, null, "delete the firewall " + id);
    }

    private JsonNode send(String method, String path, JsonNode body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new DriverException(where + " refused the token (" + what + "); check DIGITALOCEAN_ACCESS_TOKEN");
            }
            if (response.statusCode() >= 300) {
                throw new DriverException(where + ": " + what + " failed: " + response.statusCode() + " "
                        + messageOf(response.body(), response.body()));
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new DriverException(where + ": " + what + " failed: " + e + (e instanceof java.net.ConnectException ? " (is it up?)" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(where + ": " + what + " was interrupted", e);
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
