package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real docker CLI against an engine, as a user would. */
public final class DockerCli {

    public record Result(int exitCode, String out, String err) {}

    private final Map<String, String> env;

    public DockerCli(Map<String, String> env) {
        this.env = env;
    }

    public static DockerCli unix(java.nio.file.Path socket) {
        return new DockerCli(Map.of("DOCKER_HOST", "unix://" + socket));
    }

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().putAll(env);
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process process = builder.start();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
