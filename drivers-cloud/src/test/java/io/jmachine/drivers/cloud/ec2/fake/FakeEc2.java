package io.jmachine.drivers.cloud.ec2.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An EC2-compatible endpoint on loopback for tests: it answers the EC2 Query API calls the amazonec2 driver makes with
 * AWS's XML, refuses requests whose SigV4 signature does not match the test's credentials, keeps key pairs, security
 * groups, tags and instances in memory, and hands instances to {@link InstanceHosts} (nothing, or real VMs).
 */
public final class FakeEc2 implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIAJMACHINETEST";
    public static final String SECRET_KEY = "jmachine-test-secret-key";
    public static final String REGION = "us-east-1";
    public static final String AMI = "ami-0debian12jmachine";
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /** One API call as it arrived. */
    public record Call(String action, Map<String, String> params) {}

    record Group(String id, String name, String vpcId, List<Integer> ports) {}

    static final class Instance {
        final String id;
        final Map<String, String> launch;
        final String userData;
        volatile String state = "pending";
        volatile String address;

        Instance(String id, Map<String, String> launch, String userData) {
            this.id = id;
            this.launch = launch;
            this.userData = userData;
        }
    }

    private final HttpServer server;
    private final InstanceHosts hosts;
    private final List<Call> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, String> keyPairs = new ConcurrentHashMap<>();
    final Map<String, Group> groups = new ConcurrentHashMap<>();
    final Map<String, Instance> instances = new ConcurrentHashMap<>();
    final Map<String, Map<String, String>> tags = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(0x1000);
    /** Action → error code to answer it with once (fault injection). */
    private final Map<String, String> failNext = new ConcurrentHashMap<>();
    private volatile boolean neverRunning;

    public FakeEc2(InstanceHosts hosts) throws IOException {
        this.hosts = hosts;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<String> actions() {
        return calls.stream().map(Call::action).toList();
    }

    public Map<String, String> keyPairs() {
        return Map.copyOf(keyPairs);
    }

    public Map<String, String> groupNames() {
        Map<String, String> names = new LinkedHashMap<>();
        groups.values().forEach(g -> names.put(g.id(), g.name()));
        return names;
    }

    public List<Integer> groupPorts(String groupId) {
        return List.copyOf(groups.get(groupId).ports());
    }

    /** The instances not terminated, by id. */
    public List<String> liveInstances() {
        return instances.values().stream().filter(i -> !"terminated".equals(i.state)).map(i -> i.id).toList();
    }

    public String userData(String instanceId) {
        return instances.get(instanceId).userData;
    }

    public Map<String, String> tagsOf(String resourceId) {
        return Map.copyOf(tags.getOrDefault(resourceId, Map.of()));
    }

    /** The next call of {@code action} is answered with the AWS error {@code code}. */
    public void failNext(String action, String code) {
        failNext.put(action, code);
    }

    /** Instances stay pending forever (a RunInstances that never gets to running). */
    public void neverRunning() {
        neverRunning = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<String> bad = SigV4.check(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst, body, ACCESS_KEY, SECRET_KEY);
            Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getRawQuery() != null) {
                params.putAll(form(exchange.getRequestURI().getRawQuery()));
            }
            String action = params.getOrDefault("Action", "");
            calls.add(new Call(action, Map.copyOf(params)));
            if (bad.isPresent()) {
                respond(exchange, 401, error("AuthFailure", "AWS was not able to validate the provided access credentials (" + bad.get() + ")"));
                return;
            }
            String code = failNext.remove(action);
            if (code != null) {
                respond(exchange, code.startsWith("Internal") ? 500 : 400, error(code, "injected by the test"));
                return;
            }
            try {
                respond(exchange, 200, new Ec2Responses(this, hosts, neverRunning).answer(action, params));
            } catch (Ec2Responses.Ec2Error e) {
                respond(exchange, 400, error(e.code, e.getMessage()));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    String nextId(String prefix) {
        return prefix + "-0" + Integer.toHexString(ids.incrementAndGet()) + "jm";
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }

    static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>" + Ec2Responses.esc(message)
                + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String decodeUserData(String base64) {
        return base64 == null ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** Parameters of a list: Prefix.1, Prefix.2, … */
    static List<String> list(Map<String, String> params, String prefix) {
        List<String> values = new ArrayList<>();
        for (int i = 1; params.containsKey(prefix + "." + i); i++) {
            values.add(params.get(prefix + "." + i));
        }
        return values;
    }

    /** Filter.N.Name / Filter.N.Value.M as name → values. */
    static Map<String, List<String>> filters(Map<String, String> params) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (int i = 1; params.containsKey("Filter." + i + ".Name"); i++) {
            filters.put(params.get("Filter." + i + ".Name"), list(params, "Filter." + i + ".Value"));
        }
        return filters;
    }

    @Override
    public void close() {
        server.stop(0);
        for (Instance instance : instances.values()) {
            if (!"terminated".equals(instance.state)) {
                hosts.terminate(instance.id);
            }
        }
    }
}
