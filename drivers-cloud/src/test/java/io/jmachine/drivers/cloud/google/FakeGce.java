package io.jmachine.drivers.cloud.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's OAuth token endpoint and Compute Engine v1 on loopback for the google driver's request-shape tests: the token
 * endpoint checks the JWT's RS256 signature against the service account key the test made; the API answers with the
 * bodies Compute Engine sends (operations that finish at the next poll), keeps what was made, and records every request.
 */
final class FakeGce implements AutoCloseable {

    static final String PROJECT = "my-project";
    static final String EMAIL = "jm@" + PROJECT + ".iam.gserviceaccount.com";
    static final String ZONE = "us-central1-a";

    record Request(String method, String path, JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final KeyPair key;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> instances = new ConcurrentHashMap<>();
    final Map<String, JsonNode> instanceBodies = new ConcurrentHashMap<>();
    final Map<String, JsonNode> firewalls = new ConcurrentHashMap<>();
    private final Map<String, Deque<String[]>> canned = new ConcurrentHashMap<>();
    private final Map<String, String> operationErrors = new ConcurrentHashMap<>();
    private final AtomicInteger operations = new AtomicInteger();
    /** The instances' external address: an ephemeral one, which a stop gives back (the next start gets another). */
    private volatile String natIp = "203.0.113.20";

    FakeGce() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String endpoint() {
        return base() + "/compute/v1";
    }

    /** A service account key file as the console makes it, pointing at this token endpoint. */
    String credentialsJson() {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return JSON.createObjectNode().put("type", "service_account").put("project_id", PROJECT).put("private_key_id", "k1")
                .put("private_key", pem).put("client_email", EMAIL).put("client_id", "1").put("token_uri", base() + "/token").toString();
    }

    void answerOnce(String methodAndPath, int status, String body) {
        canned.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new String[] {Integer.toString(status), body});
    }

    /** The operation of the next insert of an instance ends with this error (a quota, say). */
    void failNextInstanceInsert(String code, String message) {
        operationErrors.put("insert-instance", "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}");
    }

    List<Request> requests(String method, String pathEnd) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            JsonNode body = null;
            if (!raw.isBlank() && raw.strip().startsWith("{")) {
                body = JSON.readTree(raw);
            }
            requests.add(new Request(method, path, body));
            for (Map.Entry<String, Deque<String[]>> entry : canned.entrySet()) {
                String[] k = entry.getKey().split(" ", 2);
                if (k[0].equals(method) && path.matches(k[1]) && !entry.getValue().isEmpty()) {
                    String[] answer = entry.getValue().poll();
                    respond(exchange, Integer.parseInt(answer[0]), answer[1]);
                    return;
                }
            }
            if (path.equals("/token")) {
                String assertion = URLDecoder.decode(raw.replaceAll(".*assertion=([^&]*).*", "$1"), StandardCharsets.UTF_8);
                if (!signedByTheKey(assertion)) {
                    respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
                    return;
                }
                respond(exchange, 200, "{\"access_token\":\"ya29.jmachine\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
                return;
            }
            if (!"Bearer ya29.jmachine".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, error(401, "Request is missing required authentication credential."));
                return;
            }
            String[] answer = compute(method, path.replaceFirst("^/compute/v1/projects/" + PROJECT, ""), body);
            respond(exchange, Integer.parseInt(answer[0]), answer[1]);
        }
    }

    private boolean signedByTheKey(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key.getPublic());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return signature.verify(Base64.getUrlDecoder().decode(parts[2])) && EMAIL.equals(claims.path("iss").asText());
        } catch (Exception e) {
            return false;
        }
    }

    private static String error(int code, String message) {
        return "{\"error\":{\"errors\":[{\"domain\":\"global\",\"reason\":\"x\",\"message\":\"" + message + "\"}],\"code\":" + code
                + ",\"message\":\"" + message + "\"}}";
    }

    private String self(String path) {
        return endpoint() + "/projects/" + PROJECT + path;
    }

    private String[] compute(String method, String path, JsonNode body) {
        String zone = "/zones/" + ZONE;
        if (method.equals("GET") && path.equals("")) {
            return ok("{\"kind\":\"compute#project\",\"id\":\"1\",\"creationTimestamp\":\"2026-01-01T00:00:00.000-00:00\",\"name\":\"" + PROJECT
                    + "\",\"selfLink\":\"" + self("") + "\",\"commonInstanceMetadata\":{\"kind\":\"compute#metadata\",\"fingerprint\":\"f\"},"
                    + "\"quotas\":[]}");
        }
        if (method.equals("GET") && path.equals(zone)) {
            return ok("{\"kind\":\"compute#zone\",\"id\":\"2000\",\"creationTimestamp\":\"2014-01-01T00:00:00.000-00:00\",\"name\":\"" + ZONE
                    + "\",\"description\":\"" + ZONE + "\",\"status\":\"UP\",\"region\":\"" + self("/regions/us-central1")
                    + "\",\"selfLink\":\"" + self(zone) + "\",\"availableCpuPlatforms\":[\"Intel Broadwell\"]}");
        }
        if (method.equals("GET") && path.equals(zone + "/machineTypes/e2-small")) {
            return ok("{\"kind\":\"compute#machineType\",\"id\":\"1\",\"creationTimestamp\":\"2014-01-01T00:00:00.000-00:00\",\"name\":\"e2-small\","
                    + "\"description\":\"2 vCPU, 2 GB\",\"guestCpus\":2,\"memoryMb\":2048,\"maximumPersistentDisks\":128,"
                    + "\"maximumPersistentDisksSizeGb\":\"263168\",\"zone\":\"" + ZONE + "\",\"selfLink\":\"" + self(zone + "/machineTypes/e2-small") + "\"}");
        }
        Matcher operation = Pattern.compile("(.*)/operations/(op-\\d+)(-[a-z-]+)?").matcher(path);
        if (method.equals("GET") && operation.matches()) {
            String error = operation.group(3) == null ? null : operationErrors.remove(operation.group(3).substring(1));
            return ok(operationJson(operation.group(1), operation.group(2) + (operation.group(3) == null ? "" : operation.group(3)), "DONE", error));
        }
        if (method.equals("POST") && path.equals("/global/firewalls")) {
            firewalls.put(body.path("name").asText(), body);
            return ok(operationJson("/global", "op-" + operations.incrementAndGet(), "RUNNING", null));
        }
        Matcher firewall = Pattern.compile("/global/firewalls/(.+)").matcher(path);
        if (firewall.matches() && firewalls.containsKey(firewall.group(1))) {
            if (method.equals("DELETE")) {
                firewalls.remove(firewall.group(1));
                return ok(operationJson("/global", "op-" + operations.incrementAndGet(), "RUNNING", null));
            }
            return ok("{\"kind\":\"compute#firewall\",\"id\":\"1\",\"creationTimestamp\":\"2026-12-06T10:00:00.000-00:00\",\"name\":\""
                    + firewall.group(1) + "\",\"network\":\"" + self("/global/networks/default") + "\",\"sourceRanges\":[\"0.0.0.0/0\"],"
                    + "\"allowed\":[{\"IPProtocol\":\"tcp\",\"ports\":[\"22\",\"2376\"]}],\"selfLink\":\"" + self(path) + "\"}");
        }
        if (method.equals("POST") && path.equals(zone + "/instances")) {
            String name = body.path("name").asText();
            boolean fails = operationErrors.containsKey("insert-instance");
            if (!fails) {
                instances.put(name, "PROVISIONING");
                instanceBodies.put(name, body);
            }
            return ok(operationJson(zone, "op-" + operations.incrementAndGet() + (fails ? "-insert-instance" : ""), "RUNNING", null));
        }
        Matcher instance = Pattern.compile(zone + "/instances/([^/]+)(/(start|stop|reset))?").matcher(path);
        if (instance.matches() && instances.containsKey(instance.group(1))) {
            String name = instance.group(1);
            if (method.equals("GET")) {
                String[] answer = ok(instanceJson(name));
                instances.replace(name, "PROVISIONING", "RUNNING"); // up by the next poll
                return answer;
            }
            if (method.equals("DELETE")) {
                instances.remove(name);
            } else {
                instances.put(name, "stop".equals(instance.group(3)) ? "TERMINATED" : "RUNNING");
                if ("stop".equals(instance.group(3))) {
                    natIp = "203.0.113.21";
                }
            }
            return ok(operationJson(zone, "op-" + operations.incrementAndGet(), "RUNNING", null));
        }
        return new String[] {"404", error(404, "The resource 'projects/" + PROJECT + path + "' was not found")};
    }

    private static String[] ok(String body) {
        return new String[] {"200", body};
    }

    private String operationJson(String scope, String name, String status, String error) {
        return "{\"kind\":\"compute#operation\",\"id\":\"" + Math.abs(name.hashCode()) + "\",\"creationTimestamp\":\"2026-12-06T10:00:00.000-00:00\","
                + "\"name\":\"" + name + "\",\"operationType\":\"insert\",\"targetLink\":\"" + self(scope) + "\",\"targetId\":\"1\","
                + "\"status\":\"" + status + "\",\"user\":\"" + EMAIL + "\",\"progress\":" + ("DONE".equals(status) ? 100 : 0) + ","
                + "\"insertTime\":\"2026-12-06T10:00:00.000-00:00\",\"startTime\":\"2026-12-06T10:00:00.000-00:00\","
                + (error != null ? "\"error\":" + error + "," : "")
                + "\"selfLink\":\"" + self(scope + "/operations/" + name) + "\"}";
    }

    private String instanceJson(String name) {
        String zone = "/zones/" + ZONE;
        String status = instances.get(name);
        String nat = status.equals("RUNNING") ? ",\"natIP\":\"" + natIp + "\"" : "";
        return "{\"kind\":\"compute#instance\",\"id\":\"123\",\"creationTimestamp\":\"2026-12-06T10:00:00.000-00:00\",\"name\":\"" + name
                + "\",\"description\":\"\",\"tags\":{\"items\":[\"" + name + "\"],\"fingerprint\":\"t\"},\"machineType\":\""
                + self(zone + "/machineTypes/e2-small") + "\",\"status\":\"" + status + "\",\"zone\":\"" + self(zone) + "\","
                + "\"canIpForward\":false,\"networkInterfaces\":[{\"network\":\"" + self("/global/networks/default") + "\","
                + "\"networkIP\":\"10.128.0.2\",\"name\":\"nic0\",\"accessConfigs\":[{\"kind\":\"compute#accessConfig\","
                + "\"type\":\"ONE_TO_ONE_NAT\",\"name\":\"External NAT\"" + nat + "}]}],\"disks\":[{\"kind\":\"compute#attachedDisk\","
                + "\"index\":0,\"type\":\"PERSISTENT\",\"mode\":\"READ_WRITE\",\"source\":\"" + self(zone + "/disks/" + name) + "\","
                + "\"deviceName\":\"persistent-disk-0\",\"boot\":true,\"autoDelete\":true}],\"metadata\":{\"kind\":\"compute#metadata\","
                + "\"fingerprint\":\"m\",\"items\":[]},\"serviceAccounts\":[],\"selfLink\":\"" + self(zone + "/instances/" + name) + "\","
                + "\"scheduling\":{\"onHostMaintenance\":\"MIGRATE\",\"automaticRestart\":true,\"preemptible\":false}}";
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
