package io.jmachine.drivers.cloud.openstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keystone v3 and Nova on loopback for the openstack driver's request-shape tests: answers with the bodies OpenStack
 * sends (recorded from a DevStack's API reference shapes), keeps what was made, and records every request.
 */
final class FakeNova implements AutoCloseable {

    static final String USER = "demo";
    static final String PASSWORD = "secret-password";
    static final String PROJECT = "demo-project";

    record Request(String method, String path, String body) {}

    record Canned(int status, String body) {}

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> keyPairs = new ConcurrentHashMap<>();
    final Map<String, String> groups = new ConcurrentHashMap<>();
    final Map<String, String> servers = new ConcurrentHashMap<>();
    final List<String> rules = new CopyOnWriteArrayList<>();
    /** Floating IPs by id: their address, and the server they were given to ("" for none). */
    final Map<String, String> floatingIps = new ConcurrentHashMap<>();
    /** "METHOD path-regex" → answers to give before the real one (a quota error, a 500). */
    private final Map<String, Deque<Canned>> canned = new ConcurrentHashMap<>();
    private int polls;

    FakeNova() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String authUrl() {
        return base() + "/v3";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answerOnce(String methodAndPath, int status, String body) {
        canned.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new Canned(status, body));
    }

    List<Request> requests(String method, String pathPart) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().contains(pathPart)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(method, path, body));
            for (Map.Entry<String, Deque<Canned>> entry : canned.entrySet()) {
                String[] key = entry.getKey().split(" ", 2);
                if (key[0].equals(method) && path.matches(key[1]) && !entry.getValue().isEmpty()) {
                    Canned answer = entry.getValue().poll();
                    respond(exchange, answer.status(), answer.body(), null);
                    return;
                }
            }
            if (path.equals("/v3/auth/tokens")) {
                if (!body.contains("\"" + PASSWORD + "\"") || !body.contains("\"" + USER + "\"")) {
                    respond(exchange, 401, "{\"error\":{\"code\":401,\"title\":\"Unauthorized\",\"message\":\"The request you have made requires authentication.\"}}", null);
                    return;
                }
                respond(exchange, 201, token(), "tok-1");
                return;
            }
            if (!"tok-1".equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
                respond(exchange, 401, "{\"error\":{\"message\":\"no token\",\"code\":401}}", null);
                return;
            }
            String nova = path.replaceFirst("^/v2\\.1/p1", "");
            Answer answer = nova(method, nova, body);
            respond(exchange, answer.status, answer.body, null);
        }
    }

    private record Answer(int status, String body) {}

    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern PUBLIC_KEY = Pattern.compile("\"public_key\"\\s*:\\s*\"([^\"]*)\"");

    /** The first match, JSON escapes undone (Gson writes = as \\u003d). */
    private static String first(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            return "";
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue("\"" + matcher.group(1) + "\"", String.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Answer nova(String method, String path, String body) {
        switch (method + " " + path) {
            case "GET /extensions":
                return new Answer(200, "{\"extensions\":[" + extension("os-keypairs", "Keypairs", "keypairs") + ","
                        + extension("os-security-groups", "SecurityGroups", "securitygroups") + ","
                        + extension("os-floating-ips", "FloatingIps", "floating_ips") + "]}");
            case "GET /flavors":
                return new Answer(200, "{\"flavors\":[{\"id\":\"2\",\"name\":\"m1.small\",\"links\":[]}]}");
            case "GET /images":
                return new Answer(200, "{\"images\":[{\"id\":\"70a599e0-31e7-49b7-b260-868f441e862b\",\"name\":\"debian-12\",\"links\":[]}]}");
            case "POST /os-keypairs": {
                String name = first(NAME, body);
                keyPairs.put(name, first(PUBLIC_KEY, body));
                return new Answer(200, "{\"keypair\":{\"name\":\"" + name + "\",\"public_key\":\"" + keyPairs.get(name)
                        + "\",\"fingerprint\":\"7e:eb:ab:24\",\"user_id\":\"u1\"}}");
            }
            case "GET /os-keypairs": {
                StringBuilder items = new StringBuilder();
                keyPairs.forEach((name, key) -> items.append(items.isEmpty() ? "" : ",").append("{\"keypair\":{\"name\":\"").append(name)
                        .append("\",\"public_key\":\"").append(key).append("\",\"fingerprint\":\"7e:eb:ab:24\"}}"));
                return new Answer(200, "{\"keypairs\":[" + items + "]}");
            }
            case "POST /os-security-groups": {
                String id = "sg-" + (groups.size() + 1);
                groups.put(id, first(NAME, body));
                return new Answer(200, "{\"security_group\":" + group(id) + "}");
            }
            case "GET /os-security-groups": {
                StringBuilder items = new StringBuilder();
                groups.keySet().forEach(id -> items.append(items.isEmpty() ? "" : ",").append(group(id)));
                return new Answer(200, "{\"security_groups\":[" + items + "]}");
            }
            case "POST /os-security-group-rules":
                rules.add(body);
                return new Answer(200, "{\"security_group_rule\":{\"id\":\"r" + rules.size() + "\",\"parent_group_id\":\"sg-1\","
                        + "\"ip_protocol\":\"tcp\",\"from_port\":22,\"to_port\":22,\"ip_range\":{\"cidr\":\"0.0.0.0/0\"},\"group\":{}}}");
            case "POST /servers": {
                String id = "srv-" + (servers.size() + 1);
                servers.put(id, "BUILD");
                polls = 0;
                return new Answer(202, "{\"server\":{\"id\":\"" + id + "\",\"links\":[],\"adminPass\":\"unused\",\"OS-DCF:diskConfig\":\"AUTO\"}}");
            }
            case "POST /os-floating-ips": {
                String id = "fip-" + (floatingIps.size() + 1);
                floatingIps.put(id, "");
                return new Answer(200, "{\"floating_ip\":{\"id\":\"" + id + "\",\"ip\":\"198.51.100.5\",\"fixed_ip\":null,"
                        + "\"instance_id\":null,\"pool\":\"public\"}}");
            }
            case "GET /servers/detail": {
                StringBuilder items = new StringBuilder();
                servers.keySet().forEach(id -> items.append(items.isEmpty() ? "" : ",").append(server(id)));
                return new Answer(200, "{\"servers\":[" + items + "]}");
            }
            default:
                break;
        }
        Matcher matcher = Pattern.compile("/servers/([^/]+)(/action)?").matcher(path);
        if (matcher.matches() && servers.containsKey(matcher.group(1))) {
            String id = matcher.group(1);
            if (method.equals("GET")) {
                // BUILD for one poll, then ACTIVE: the driver waits
                if (servers.get(id).equals("BUILD") && polls++ > 0) {
                    servers.put(id, "ACTIVE");
                }
                return new Answer(200, "{\"server\":" + server(id) + "}");
            }
            if (method.equals("DELETE")) {
                servers.remove(id);
                return new Answer(204, "");
            }
            if (body.contains("addFloatingIp")) {
                floatingIps.replaceAll((fip, server) -> body.contains("198.51.100.5") ? id : server);
                return new Answer(202, "");
            }
            servers.put(id, body.contains("os-stop") ? "SHUTOFF" : "ACTIVE");
            return new Answer(202, "");
        }
        Matcher keyPair = Pattern.compile("/os-keypairs/(.+)").matcher(path);
        if (method.equals("DELETE") && keyPair.matches() && keyPairs.remove(keyPair.group(1)) != null) {
            return new Answer(202, "");
        }
        Matcher floating = Pattern.compile("/os-floating-ips/(.+)").matcher(path);
        if (method.equals("DELETE") && floating.matches() && floatingIps.remove(floating.group(1)) != null) {
            return new Answer(202, "");
        }
        Matcher group = Pattern.compile("/os-security-groups/(.+)").matcher(path);
        if (method.equals("DELETE") && group.matches() && groups.remove(group.group(1)) != null) {
            return new Answer(202, "");
        }
        return new Answer(404, "{\"itemNotFound\":{\"message\":\"" + path + " could not be found.\",\"code\":404}}");
    }

    private static String extension(String alias, String name, String namespace) {
        return "{\"alias\":\"" + alias + "\",\"name\":\"" + name + "\",\"namespace\":\"http://docs.openstack.org/compute/ext/" + namespace
                + "/api/v1.1\",\"updated\":\"2011-09-27T00:00:00Z\",\"description\":\"" + name + "\",\"links\":[]}";
    }

    private String group(String id) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + groups.get(id) + "\",\"description\":\"jmachine\",\"tenant_id\":\"p1\",\"rules\":[]}";
    }

    private String server(String id) {
        String status = servers.get(id);
        return "{\"id\":\"" + id + "\",\"name\":\"n\",\"status\":\"" + status + "\",\"tenant_id\":\"p1\",\"user_id\":\"u1\","
                + "\"created\":\"2026-12-06T10:00:00Z\",\"updated\":\"2026-12-06T10:00:10Z\",\"hostId\":\"h1\","
                + "\"image\":{\"id\":\"70a599e0-31e7-49b7-b260-868f441e862b\",\"links\":[]},\"flavor\":{\"id\":\"2\",\"links\":[]},"
                + "\"metadata\":" + metadataOf(id) + ",\"links\":[],"
                + "\"addresses\":" + ("BUILD".equals(status) ? "{}" : "{\"private\":[{\"version\":4,\"addr\":\"192.0.2.10\"}]}") + "}";
    }

    private String metadataOf(String id) {
        // the metadata the server was created with, as Nova keeps it
        Request create = requests.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/servers")).reduce((a, b) -> b).orElseThrow();
        Matcher matcher = Pattern.compile("\"metadata\"\\s*:\\s*(\\{[^}]*\\})").matcher(create.body());
        return matcher.find() ? matcher.group(1) : "{}";
    }

    private String token() {
        return "{\"token\":{\"methods\":[\"password\"],\"expires_at\":\"2099-01-01T00:00:00.000000Z\",\"issued_at\":\"2026-12-06T10:00:00.000000Z\","
                + "\"user\":{\"id\":\"u1\",\"name\":\"" + USER + "\",\"domain\":{\"id\":\"default\",\"name\":\"Default\"}},"
                + "\"project\":{\"id\":\"p1\",\"name\":\"" + PROJECT + "\",\"domain\":{\"id\":\"default\",\"name\":\"Default\"}},"
                + "\"roles\":[{\"id\":\"r1\",\"name\":\"member\"}],"
                + "\"catalog\":[{\"id\":\"c1\",\"type\":\"compute\",\"name\":\"nova\",\"endpoints\":[{\"id\":\"e1\",\"interface\":\"public\","
                + "\"region\":\"RegionOne\",\"region_id\":\"RegionOne\",\"url\":\"" + base() + "/v2.1/p1\"}]}]}}";
    }

    private static void respond(HttpExchange exchange, int status, String body, String subjectToken) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (subjectToken != null) {
            exchange.getResponseHeaders().set("X-Subject-Token", subjectToken);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
