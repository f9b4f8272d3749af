package io.jmachine.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real docker CLI against an engine, as a user would. */
public final class DockerCli {

    public record Result(int exitCode, String out, String err) {}

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> env;

    public DockerCli(Map<String, String> env) {
        this.env = env;
    }

    public static DockerCli unix(java.nio.file.Path socket) {
        return new DockerCli(Map.of("DOCKER_HOST", "unix://" + socket));
    }

    /** The environment a docker command needs to reach this engine (for shell pipelines). */
    public Map<String, String> env() {
        return env;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(null, DEFAULT_TIMEOUT, args);
    }

    /** With {@code stdin} piped in (then closed); null reads /dev/null. */
    public Result runWithInput(byte[] stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, DEFAULT_TIMEOUT, args);
    }

    public Result run(byte[] stdin, Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        return exec(command, stdin, timeout, "docker " + String.join(" ", args));
    }

    /** A shell command line with DOCKER_HOST set, for pipes and tools around docker (script, timeout). */
    public Result sh(String script) throws IOException, InterruptedException {
        return exec(List.of("sh", "-c", script), null, DEFAULT_TIMEOUT, script);
    }

    private Result exec(List<String> command, byte[] stdin, Duration timeout, String what) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().putAll(env);
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process process = builder.start();
        // read both streams while the process runs: a full pipe would block it, and a hung docker must not hang the test
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the command exited without reading all of it; its result says why
            }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish in " + timeout.toSeconds() + " s");
        }
        // a background child of a shell may hold the pipes open past the command's exit
        return new Result(process.exitValue(), new String(out.completeOnTimeout(new byte[0], 10, TimeUnit.SECONDS).join(), StandardCharsets.UTF_8),
                new String(err.completeOnTimeout(new byte[0], 10, TimeUnit.SECONDS).join(), StandardCharsets.UTF_8));
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(bytes);
            } catch (IOException e) {
                // the process was killed: keep what came
            }
            result.complete(bytes.toByteArray());
        });
        return result;
    }
}
