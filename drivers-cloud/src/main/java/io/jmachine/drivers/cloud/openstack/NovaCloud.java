package io.jmachine.drivers.cloud.openstack;

import com.google.common.collect.ImmutableSet;
import com.google.inject.Module;
import io.jmachine.drivers.DriverException;
import org.jclouds.ContextBuilder;
import org.jclouds.http.HttpResponseException;
import io.jmachine.drivers.cloud.QuietLogging;
import org.jclouds.net.domain.IpProtocol;
import org.jclouds.openstack.nova.v2_0.NovaApi;
import org.jclouds.openstack.nova.v2_0.domain.Address;
import org.jclouds.openstack.nova.v2_0.domain.FloatingIP;
import org.jclouds.openstack.nova.v2_0.domain.Ingress;
import org.jclouds.openstack.nova.v2_0.domain.Server;
import org.jclouds.openstack.nova.v2_0.extensions.FloatingIPApi;
import org.jclouds.openstack.nova.v2_0.extensions.KeyPairApi;
import org.jclouds.openstack.nova.v2_0.extensions.SecurityGroupApi;
import org.jclouds.openstack.nova.v2_0.options.CreateServerOptions;
import org.jclouds.openstack.v2_0.domain.Resource;
import org.jclouds.rest.AuthorizationException;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/** The Nova calls the openstack driver makes, through jclouds; failures become one-line {@link DriverException}s. */
final class NovaCloud implements Closeable {

    /** A server as the driver needs it: its status and its addresses, fixed first. */
    record Instance(String id, String status, List<String> addresses, Map<String, String> metadata) {}

    private final NovaApi api;
    private final String region;
    private final String where;

    private NovaCloud(NovaApi api, String region, String where) {
        this.api = api;
        this.region = region;
        this.where = where;
    }

    static NovaCloud connect(OpenStackSettings settings, String password) {
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.keystone.version", "3");
        overrides.setProperty("jclouds.keystone.scope", "project:" + settings.tenantName());
        overrides.setProperty("jclouds.keystone.project-domain-name", settings.domainName());
        overrides.setProperty("jclouds.connection-timeout", "10000");
        overrides.setProperty("jclouds.so-timeout", "60000");
        overrides.setProperty("jclouds.max-retries", "3");
        String where = "OpenStack at " + settings.authUrl();
        NovaApi api;
        try {
            api = ContextBuilder.newBuilder("openstack-nova").endpoint(settings.authUrl())
                    .credentials(settings.domainName() + ":" + settings.username(), password)
                    .modules(ImmutableSet.<Module>of(new QuietLogging())).overrides(overrides).buildApi(NovaApi.class);
        } catch (RuntimeException e) {
            throw new DriverException("cannot set up jclouds for " + where + ": " + e.getMessage(), e);
        }
        NovaCloud probe = new NovaCloud(api, settings.region(), where);
        String region = settings.region() != null ? settings.region() : probe.call("authentication", () -> {
            Set<String> regions = api.getConfiguredRegions();
            if (regions.size() != 1) {
                throw new DriverException(where + " has the regions " + regions + ": pick one with --openstack-region");
            }
            return regions.iterator().next();
        });
        return new NovaCloud(api, region, where);
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (DriverException e) {
            throw e;
        } catch (AuthorizationException e) {
            // Nova answers 403 for a quota too, which jclouds reports as refused authorization: say what Nova said
            if (e.getCause() instanceof HttpResponseException http && http.getResponse() != null && http.getResponse().getStatusCode() == 403) {
                throw new DriverException(where + ": " + what + " failed: " + statusOf(http), e);
            }
            throw new DriverException(where + " refused the credentials (" + what + "); check the user, password, project and domain", e);
        } catch (HttpResponseException e) {
            throw new DriverException(where + ": " + what + " failed: " + statusOf(e), e);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof AuthorizationException) {
                throw new DriverException(where + " refused the credentials (" + what + "); check the user, password, project and domain", e);
            }
            if (root instanceof HttpResponseException http) {
                throw new DriverException(where + ": " + what + " failed: " + statusOf(http), e);
            }
            throw new DriverException(where + ": " + what + " failed: " + (root.getMessage() != null ? root.getMessage() : root.toString())
                    + (root instanceof java.net.ConnectException ? " (is it up?)" : ""), e);
        }
    }

    /** "413 Quota exceeded for instances…": Nova's own message, not jclouds' request dump. */
    private static String statusOf(HttpResponseException e) {
        String content = e.getContent();
        String message = content == null ? "" : content.replaceAll("(?s).*\"message\"\\s*:\\s*\"([^\"]*)\".*", "$1");
        return e.getResponse() != null ? e.getResponse().getStatusCode() + " " + (message.equals(content) ? e.getResponse().getMessage() : message)
                : e.getMessage();
    }

    private void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    private KeyPairApi keyPairs() {
        return api.getKeyPairApi(region).toJavaUtil().orElseThrow(() -> new DriverException(where + " has no key pair extension"));
    }

    private SecurityGroupApi groups() {
        return api.getSecurityGroupApi(region).toJavaUtil().orElseThrow(() -> new DriverException(where + " has no security group extension"));
    }

    private FloatingIPApi floatingIps() {
        return api.getFloatingIPApi(region).toJavaUtil().orElseThrow(() -> new DriverException(where + " has no floating IP extension"));
    }

    /** The id of the flavor of that name. */
    Optional<String> flavorId(String name) {
        return call("list flavors", () -> api.getFlavorApi(region).list().concat().toList().stream()
                .filter(f -> name.equals(f.getName())).map(Resource::getId).findFirst());
    }

    /** The id of the image of that name. */
    Optional<String> imageId(String name) {
        return call("list images", () -> api.getImageApi(region).list().concat().toList().stream()
                .filter(i -> name.equals(i.getName())).map(Resource::getId).findFirst());
    }

    void importKey(String name, String publicKey) {
        run("import the key pair " + name, () -> keyPairs().createWithPublicKey(name, publicKey));
    }

    void deleteKey(String name) {
        run("delete the key pair " + name, () -> keyPairs().delete(name));
    }

    boolean keyExists(String name) {
        return call("list key pairs", () -> keyPairs().list().anyMatch(k -> name.equals(k.getName())));
    }

    /** Makes a group that lets in TCP on {@code ports} and nothing else. @return its id */
    String createGroup(String name, String description, int... ports) {
        String id = call("create the security group " + name, () -> groups().createWithDescription(name, description).getId());
        for (int port : ports) {
            run("open TCP " + port + " in " + name, () -> groups().createRuleAllowingCidrBlock(id,
                    Ingress.builder().ipProtocol(IpProtocol.TCP).fromPort(port).toPort(port).build(), "0.0.0.0/0"));
        }
        return id;
    }

    /** The ids of the groups of that name. */
    List<String> groupsNamed(String name) {
        return call("list security groups", () -> groups().list().filter(g -> name.equals(g.getName())).transform(g -> g.getId()).toList());
    }

    void deleteGroup(String id) {
        run("delete the security group " + id, () -> groups().delete(id));
    }

    String createServer(String name, String imageId, String flavorId, String keyName, List<String> groupNames, String networkId,
                        byte[] userData, Map<String, String> metadata) {
        CreateServerOptions options = new CreateServerOptions().keyPairName(keyName).securityGroupNames(groupNames).userData(userData)
                .metadata(metadata);
        if (networkId != null) {
            options.networks(networkId);
        }
        return call("create the server " + name, () -> api.getServerApi(region).create(name, imageId, flavorId, options).getId());
    }

    Optional<Instance> server(String id) {
        return call("get the server " + id, () -> Optional.ofNullable(api.getServerApi(region).get(id)).map(NovaCloud::instanceOf));
    }

    /** The servers whose metadata has {@code key=value}. */
    List<Instance> serversTagged(String key, String value) {
        return call("list servers", () -> api.getServerApi(region).listInDetail().concat().toList().stream()
                .filter(s -> value.equals(s.getMetadata().get(key))).map(NovaCloud::instanceOf).toList());
    }

    private static Instance instanceOf(Server server) {
        List<String> addresses = new ArrayList<>();
        for (Address address : server.getAddresses().values()) {
            if (address.getVersion() == 4) {
                addresses.add(address.getAddr());
            }
        }
        return new Instance(server.getId(), server.getStatus().name(), addresses, server.getMetadata());
    }

    /** Takes a floating IP from the pool and gives it to the server. @return its id and address */
    FloatingIP attachFloatingIp(String pool, String serverId) {
        FloatingIP ip = call("take a floating IP from " + pool, () -> floatingIps().allocateFromPool(pool));
        run("give " + ip.getIp() + " to " + serverId, () -> floatingIps().addToServer(ip.getIp(), serverId));
        return ip;
    }

    void releaseFloatingIp(String id) {
        run("release the floating IP " + id, () -> floatingIps().delete(id));
    }

    void start(String id) {
        run("start " + id, () -> api.getServerApi(region).start(id));
    }

    void stop(String id) {
        run("stop " + id, () -> api.getServerApi(region).stop(id));
    }

    void reboot(String id) {
        run("reboot " + id, () -> api.getServerApi(region).reboot(id, org.jclouds.openstack.nova.v2_0.domain.RebootType.SOFT));
    }

    void delete(String id) {
        run("delete the server " + id, () -> api.getServerApi(region).delete(id));
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
