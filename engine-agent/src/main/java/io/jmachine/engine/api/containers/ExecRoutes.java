package io.jmachine.engine.api.containers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.HijackedStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ExecService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** docker exec: create, start (hijacked, or detached), resize, inspect. */
public final class ExecRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ExecRoutes.class);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExecCreateBody(@JsonProperty("Cmd") List<String> cmd, @JsonProperty("Env") List<String> env,
                          @JsonProperty("WorkingDir") String workingDir, @JsonProperty("User") String user,
                          @JsonProperty("Tty") boolean tty, @JsonProperty("AttachStdin") boolean attachStdin,
                          @JsonProperty("AttachStdout") boolean attachStdout, @JsonProperty("AttachStderr") boolean attachStderr,
                          @JsonProperty("Privileged") boolean privileged, @JsonProperty("DetachKeys") String detachKeys) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExecStartBody(@JsonProperty("Detach") boolean detach, @JsonProperty("Tty") boolean tty) {}

    private static final byte[] DETACHED = "exec attach failed: error on attach stdin: read escape sequence\r\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final ExecService execs;

    public ExecRoutes(ExecService execs) {
        this.execs = execs;
    }

    public void register(Router router) {
        router.post("/containers/{id}/exec", this::create);
        router.post("/exec/{id}/start", this::start);
        router.post("/exec/{id}/resize", ex -> {
            ExecService.ExecInstance instance = execs.get(ex.request().pathParam("id"));
            if (instance.process() == null) {
                throw EngineException.conflict("exec " + instance.id() + " is not running");
            }
            instance.process().resize(Integer.parseInt(ex.request().queryParam("h")), Integer.parseInt(ex.request().queryParam("w")));
            ex.empty(200);
        });
        router.get("/exec/{id}/json", this::inspect);
    }

    private void create(ApiExchange ex) {
        ExecCreateBody body = ex.readJson(ExecCreateBody.class);
        if (body == null) {
            throw EngineException.invalid("exec configuration cannot be empty");
        }
        if (body.detachKeys() != null && !body.detachKeys().isEmpty()) {
            try {
                DetachKeys.toBytes(body.detachKeys());
            } catch (IllegalArgumentException e) {
                // dockerd answers this one with a 500
                throw EngineException.internal("Invalid escape keys (" + body.detachKeys() + ") provided");
            }
        }
        ExecService.ExecInstance instance = execs.create(ex.request().pathParam("id"), new ExecService.ExecConfig(body.cmd(),
                body.env(), body.workingDir(), body.user(), body.tty(), body.attachStdin(), body.attachStdout(),
                body.attachStderr(), body.privileged(), body.detachKeys()));
        ex.json(201, Map.of("Id", instance.id()));
    }

    private void start(ApiExchange ex) throws IOException {
        ExecStartBody body = ex.readJson(ExecStartBody.class);
        boolean detach = body != null && body.detach();
        String id = ex.request().pathParam("id");
        ExecService.ExecInstance instance = execs.startable(id);
        if (detach) {
            execs.start(id).process().attachment().close();
            ex.empty(200);
            return;
        }
        ExecService.ExecConfig config = instance.config();
        // the start body decides the framing, as in dockerd: with Tty false both streams go out with 8-byte headers
        // (a TTY exec's one stream as stdout); with Tty true stdout goes out raw and stderr is dropped
        boolean rawOutput = body != null && body.tty();
        HijackedStream client = ex.hijack(!rawOutput);
        try {
            execs.start(id);
        } catch (EngineException e) {
            // as dockerd: once upgraded, a failure goes down the stream; `docker exec` then reads the exit code (126)
            client.write(HijackedStream.Stream.STDOUT, (e.getMessage() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            client.close();
            return;
        }
        ContainerProcesses.ExecProcess process = instance.process();
        ContainerProcesses.Attachment attachment = process.attachment();
        AtomicBoolean detached = new AtomicBoolean();
        if (config.attachStdin()) {
            // dockerd looks for the detach keys only in a TTY exec's input
            DetachKeys keys = config.tty() ? DetachKeys.of(detachKeyBytes(config)) : null;
            client.onStdin(bytes -> {
                try {
                    if (keys == null) {
                        attachment.writeStdin(bytes);
                        return;
                    }
                    DetachKeys.Scan scan = keys.scan(bytes);
                    if (scan.forward().length > 0) {
                        attachment.writeStdin(scan.forward());
                    }
                    if (scan.detach() && detached.compareAndSet(false, true)) {
                        // the client leaves and the process runs on. dockerd 20.10 says this line first (clients such as
                        // docker-py look for it), and then hangs the process up and records 126; the engine detaches
                        client.write(HijackedStream.Stream.STDOUT, DETACHED);
                        attachment.close();
                        client.close();
                        execs.detached(id);
                    }
                } catch (IOException e) {
                    LOG.debug("exec stdin failed: {}", e.getMessage());
                }
            }, () -> {
                try {
                    attachment.closeStdin();
                } catch (IOException e) {
                    LOG.debug("closing exec stdin failed: {}", e.getMessage());
                }
            });
        }
        try {
            attachment.pumpOutput((stderr, bytes, offset, length) -> {
                if (stderr && (rawOutput || !config.attachStderr()) || !stderr && !config.attachStdout()) {
                    return;
                }
                client.write(stderr ? HijackedStream.Stream.STDERR : HijackedStream.Stream.STDOUT, bytes, offset, length);
            });
            if (!detached.get()) {
                // the client reads the exit code right after EOF: have it ready first
                process.awaitExit(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!detached.get()) {
                throw e;
            }
        } finally {
            attachment.close();
            client.close();
        }
    }

    /** The exec's detach keys as bytes; empty when it named none (the default then applies). */
    private static byte[] detachKeyBytes(ExecService.ExecConfig config) {
        return config.detachKeys() == null || config.detachKeys().isEmpty() ? new byte[0] : DetachKeys.toBytes(config.detachKeys());
    }

    private void inspect(ApiExchange ex) {
        ExecService.ExecInstance instance = execs.get(ex.request().pathParam("id"));
        ExecService.ExecConfig c = instance.config();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("ID", instance.id());
        view.put("Running", instance.running());
        view.put("ExitCode", instance.exitCode().isPresent() ? instance.exitCode().getAsInt() : null);
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("tty", c.tty());
        process.put("entrypoint", c.cmd().get(0));
        process.put("arguments", c.cmd().subList(1, c.cmd().size()));
        process.put("privileged", c.privileged());
        if (c.user() != null && !c.user().isEmpty()) {
            // omitempty in dockerd's ExecProcessConfig
            process.put("user", c.user());
        }
        view.put("ProcessConfig", process);
        view.put("OpenStdin", c.attachStdin());
        view.put("OpenStderr", c.attachStderr());
        view.put("OpenStdout", c.attachStdout());
        view.put("CanRemove", false);
        view.put("ContainerID", instance.containerId());
        // a []byte in dockerd, so base64 in JSON ("" when none were given)
        view.put("DetachKeys", Base64.getEncoder().encodeToString(detachKeyBytes(c)));
        view.put("Pid", instance.process() == null ? 0 : instance.process().pid());
        ex.json(200, view);
    }
}
