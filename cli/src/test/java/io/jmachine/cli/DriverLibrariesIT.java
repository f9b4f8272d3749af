package io.jmachine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI as packaged (target/jmachine-cli.jar with target/lib, the cloud drivers in target/lib/cloud): the quick verbs load
 * nothing of jclouds, Guice or Guava, and the cloud drivers are still there for create.
 */
class DriverLibrariesIT {

    @TempDir
    Path dir;

    private record Run(int code, String out) {}

    private Run java(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        StringBuilder classpath = new StringBuilder("target/jmachine-cli.jar");
        try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> classpath.append(':').append(j));
        }
        command.addAll(List.of("-cp", classpath.toString(), "io.jmachine.cli.JMachine", "-s", dir.resolve("store").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("OS_") || k.startsWith("GOOGLE_")
                || k.startsWith("DIGITALOCEAN_"));
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out);
    }

    @Test
    void theQuickVerbsLoadNoneOfJcloudsWhileCreateStillHasTheCloudDrivers() throws Exception {
        assertTrue(Files.isDirectory(Path.of("target/lib/cloud")), "the cloud drivers' folder");
        try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
            assertFalse(jars.anyMatch(j -> j.getFileName().toString().startsWith("jclouds-")), "jclouds is off the class path");
        }
        Path log = dir.resolve("classes.log");
        Run ls = java(List.of("-Xlog:class+load=info:file=" + log), "ls");
        assertEquals(0, ls.code(), ls.out());
        String loaded = Files.readString(log);
        assertFalse(loaded.contains("org.jclouds") || loaded.contains("com.google.inject") || loaded.contains("com.google.common"),
                "ls loaded a class of jclouds, Guice or Guava");

        Run help = java(List.of(), "create", "--help");
        for (String flag : List.of("--amazonec2-endpoint", "--openstack-auth-url", "--digitalocean-access-token", "--google-project")) {
            assertTrue(help.out().contains(flag), flag);
        }
        Run create = java(List.of(), "create", "-d", "amazonec2", "--amazonec2-endpoint", "http://127.0.0.1:9", "nocreds");
        assertEquals(3, create.code(), create.out());
        assertTrue(create.out().contains("AWS_ACCESS_KEY_ID"), create.out());
    }
}
