package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the machine ITs run: jmachine verbs in this JVM against the test's own store (as root, with bash as the
 * shell), and other commands (docker, ssh) as processes, all with a private docker config (contexts, config.json)
 * and no DOCKER_* variables from outside the test.
 *
 * @param dir the test's folder: the store is {@code dir/store}, the docker config {@code dir/docker-config}
 */
record TestCli(Path dir) {

    record Result(int code, String out, String err) {}

    Result jmachine(String... args) {
        return jmachine(Map.of(), args);
    }

    Result jmachine(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("JMACHINE_STORAGE_PATH", dir.resolve("store").toString());
        env.put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        env.put("USER", "root");
        env.put("SHELL", "/bin/bash");
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }

    /** The docker CLI with {@code env} (DOCKER_HOST… from `jmachine env`). */
    Result docker(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(env, command.toArray(String[]::new));
    }

    /** A command as a process; fails the test when it runs past two minutes. */
    Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " ran past two minutes");
        }
        return new Result(process.exitValue(), out, err);
    }

    /** The variables of `jmachine env`'s bash output. */
    static Map<String, String> exports(String script) {
        Map<String, String> variables = new HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^export (\\w+)=\"(.*)\"$").matcher(script);
        while (matcher.find()) {
            variables.put(matcher.group(1), matcher.group(2));
        }
        return variables;
    }
}
