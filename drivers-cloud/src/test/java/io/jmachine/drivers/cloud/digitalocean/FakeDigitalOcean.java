package io.jmachine.drivers.cloud.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** DigitalOcean's API v2 on loopback for the driver's request-shape tests: the bodies the API documents, what was made, every request. */
final class FakeDigitalOcean implements AutoCloseable {

    static final String TOKEN = "dop_v1_jmachinetest";

    record Request(String method, String path, JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<Integer, String> keys = new ConcurrentHashMap<>();
    final Map<String, JsonNode> firewalls = new ConcurrentHashMap<>();
    final Map<Integer, String> droplets = new ConcurrentHashMap<>();
    final Map<Integer, String> dropletNames = new ConcurrentHashMap<>();
    private final Map<String, Deque<String[]>> canned = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(3164000);

    FakeDigitalOcean() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2";
    }

    /** The next request matching "METHOD path-regex" gets this status and body instead. */
    void answerOnce(String methodAndPath, int status, String body) {
        canned.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new String[] {Integer.toString(status), body});
    }

    List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath().replaceFirst("^/v2", "");
            requests.add(new Request(method, path, raw.isBlank() ? null : JSON.readTree(raw)));
            for (Map.Entry<String, Deque<String[]>> entry : canned.entrySet()) {
                String[] key = entry.getKey().split(" ", 2);
                if (key[0].equals(method) && path.matches(key[1]) && !entry.getValue().isEmpty()) {
                    String[] answer = entry.getValue().poll();
                    respond(exchange, Integer.parseInt(answer[0]), answer[1]);
                    return;
                }
            }
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you\"}");
                return;
            }
            String[] answer = answer(method, path, raw.isBlank() ? null : JSON.readTree(raw));
            respond(exchange, Integer.parseInt(answer[0]), answer[1]);
        }
    }

    private static final String REGION = "{\"slug\":\"nyc3\",\"name\":\"New York 3\",\"sizes\":[\"s-1vcpu-2gb\"],\"available\":true,\"features\":[\"metadata\"]}";
    private static final String SIZE = "{\"slug\":\"s-1vcpu-2gb\",\"available\":true,\"transfer\":2.0,\"price_monthly\":12.0,\"price_hourly\":0.01786,"
            + "\"memory\":2048,\"vcpus\":1,\"disk\":50,\"regions\":[\"nyc3\"],\"description\":\"Basic\"}";
    private static final String META = ",\"links\":{},\"meta\":{\"total\":1}}";

    private String[] answer(String method, String path, JsonNode body) {
        switch (method + " " + path) {
            case "GET /regions":
                return ok(200, "{\"regions\":[" + REGION + "]" + META);
            case "GET /sizes":
                return ok(200, "{\"sizes\":[" + SIZE + "]" + META);
            case "POST /account/keys": {
                int id = ids.incrementAndGet();
                keys.put(id, body.path("name").asText());
                return ok(201, "{\"ssh_key\":{\"id\":" + id + ",\"fingerprint\":\"3b:16:bf\",\"public_key\":" + body.get("public_key")
                        + ",\"name\":\"" + keys.get(id) + "\"}}");
            }
            case "GET /account/keys": {
                StringBuilder items = new StringBuilder();
                keys.forEach((id, name) -> items.append(items.isEmpty() ? "" : ",").append("{\"id\":").append(id)
                        .append(",\"name\":\"").append(name).append("\",\"fingerprint\":\"3b:16:bf\",\"public_key\":\"ssh-rsa AAAA\"}"));
                return ok(200, "{\"ssh_keys\":[" + items + "]" + META);
            }
            case "POST /firewalls": {
                String id = "fb6045f1-cf1d-4ca3-bfac-" + ids.incrementAndGet();
                firewalls.put(id, body);
                return ok(202, "{\"firewall\":{\"id\":\"" + id + "\",\"name\":" + body.get("name") + ",\"status\":\"waiting\"}}");
            }
            case "GET /firewalls": {
                StringBuilder items = new StringBuilder();
                firewalls.forEach((id, fw) -> items.append(items.isEmpty() ? "" : ",").append("{\"id\":\"").append(id)
                        .append("\",\"name\":").append(fw.get("name")).append("}"));
                return ok(200, "{\"firewalls\":[" + items + "]" + META);
            }
            case "POST /droplets": {
                int id = ids.incrementAndGet();
                droplets.put(id, "new");
                dropletNames.put(id, body.path("name").asText());
                return ok(202, "{\"droplet\":" + droplet(id) + ",\"links\":{\"actions\":[{\"id\":36805096,\"rel\":\"create\","
                        + "\"href\":\"" + apiUrl() + "/actions/36805096\"}]}}");
            }
            case "GET /droplets": {
                StringBuilder items = new StringBuilder();
                droplets.keySet().forEach(id -> items.append(items.isEmpty() ? "" : ",").append(droplet(id)));
                return ok(200, "{\"droplets\":[" + items + "]" + META);
            }
            default:
                break;
        }
        Matcher droplet = Pattern.compile("/droplets/(\\d+)(/actions)?").matcher(path);
        if (droplet.matches() && droplets.containsKey(Integer.parseInt(droplet.group(1)))) {
            int id = Integer.parseInt(droplet.group(1));
            switch (method) {
                case "GET" -> {
                    String[] answer = ok(200, "{\"droplet\":" + droplet(id) + "}");
                    droplets.replace(id, "new", "active"); // booted by the next poll
                    return answer;
                }
                case "DELETE" -> {
                    droplets.remove(id);
                    return ok(204, "");
                }
                default -> {
                    String type = body.path("type").asText();
                    droplets.put(id, type.equals("power_on") || type.equals("reboot") ? "active" : "off");
                    return ok(201, "{\"action\":{\"id\":36077293,\"status\":\"in-progress\",\"type\":\"" + type + "\",\"started_at\":"
                            + "\"2026-12-06T10:00:00Z\",\"completed_at\":null,\"resource_id\":" + id + ",\"resource_type\":\"droplet\","
                            + "\"region\":" + REGION + ",\"region_slug\":\"nyc3\"}}");
                }
            }
        }
        Matcher key = Pattern.compile("/account/keys/(\\d+)").matcher(path);
        if (method.equals("DELETE") && key.matches() && keys.remove(Integer.parseInt(key.group(1))) != null) {
            return ok(204, "");
        }
        Matcher firewall = Pattern.compile("/firewalls/(.+)").matcher(path);
        if (method.equals("DELETE") && firewall.matches() && firewalls.remove(firewall.group(1)) != null) {
            return ok(204, "");
        }
        return ok(404, "{\"id\":\"not_found\",\"message\":\"The resource you were accessing could not be found.\"}");
    }

    private static String[] ok(int status, String body) {
        return new String[] {Integer.toString(status), body};
    }

    private String droplet(int id) {
        String status = droplets.get(id);
        String v4 = status.equals("new") ? "" : "{\"ip_address\":\"203.0.113.10\",\"netmask\":\"255.255.240.0\",\"gateway\":\"203.0.113.1\","
                + "\"type\":\"public\"},{\"ip_address\":\"10.128.0.2\",\"netmask\":\"255.255.0.0\",\"gateway\":\"10.128.0.1\",\"type\":\"private\"}";
        return "{\"id\":" + id + ",\"name\":\"" + dropletNames.get(id) + "\",\"memory\":2048,\"vcpus\":1,\"disk\":50,\"locked\":false,"
                + "\"status\":\"" + status + "\",\"kernel\":null,\"created_at\":\"2026-12-06T10:00:00Z\",\"features\":[],\"backup_ids\":[],"
                + "\"snapshot_ids\":[],\"image\":{\"id\":106433672,\"name\":\"12 x64\",\"distribution\":\"Debian\",\"slug\":\"debian-12-x64\","
                + "\"public\":true,\"regions\":[\"nyc3\"],\"created_at\":\"2026-01-01T00:00:00Z\",\"type\":\"base\",\"min_disk_size\":15,"
                + "\"size_gigabytes\":2.36},\"size\":" + SIZE + ",\"size_slug\":\"s-1vcpu-2gb\",\"networks\":{\"v4\":[" + v4 + "],\"v6\":[]},"
                + "\"region\":" + REGION + ",\"tags\":[]}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
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
