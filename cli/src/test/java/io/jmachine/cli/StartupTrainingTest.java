package io.jmachine.cli;

import io.jmachine.drivers.kvm.image.ImageDigests;
import io.jmachine.provisioner.engine.ClientTls;
import io.jmachine.provisioner.engine.EngineConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupTrainingTest {

    // a verb that starts failing would leave its classes out of the start-up cache without anyone noticing
    @Test
    void everyTrainingVerbSucceedsAndLeavesNoMachineBehind(@TempDir Path store) throws IOException {
        assertEquals(java.util.List.of(), StartupTraining.run(store));
        Path machines = store.resolve("machines");
        if (Files.isDirectory(machines)) {
            try (Stream<Path> left = Files.list(machines)) {
                assertEquals(0, left.count(), "the training removes the machines it made");
            }
        }
    }

    @Test
    void theTrainingEngineAnswersVersionOverMutualTls(@TempDir Path store) throws Exception {
        try (TrainingEngine engine = TrainingEngine.start(store.resolve("certs"))) {
            Path certs = store.resolve("certs");
            ClientTls tls = new ClientTls(certs.resolve("ca.pem"), certs.resolve("cert.pem"), certs.resolve("key.pem"));
            assertEquals("training-1", new EngineConnections().client(URI.create(engine.url()), tls).version(Duration.ofSeconds(10)));
        }
    }

    @Test
    void theVerbsCoverTheQuickCommandsAgainstTheGivenStore() {
        var verbs = StartupTraining.verbs("/tmp/s", "tcp://127.0.0.1:9");
        assertTrue(verbs.stream().allMatch(verb -> verb.subList(0, 2).equals(java.util.List.of("-s", "/tmp/s"))));
        for (String quick : new String[] {"ls", "env", "inspect", "config", "url", "status"}) {
            assertTrue(verbs.stream().anyMatch(verb -> verb.get(2).equals(quick)), quick);
        }
    }

    @Test
    void theTrainingMakesTheBundlesDiskImageInTheUsersCacheSoThatTheFirstCreateFindsIt(@TempDir Path dir) throws Exception {
        Path top = Files.createDirectories(dir.resolve("src/jmachine-engine/bin"));
        Files.writeString(top.resolve("jmachine-engine"), "#!/bin/sh\n");
        Path bundle = dir.resolve("bundle.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", bundle.toString(), "-C", dir.resolve("src").toString(), "jmachine-engine").start();
        assertEquals(0, tar.waitFor());
        Map<String, String> environment = Map.of(EngineBundle.ENV, bundle.toString(), "XDG_CACHE_HOME", dir.resolve("cache").toString());

        StartupTraining.prepareBundleImage(environment, dir.resolve("home"));

        Path bundles = dir.resolve("cache/jmachine/bundles");
        assertTrue(Files.isRegularFile(bundles.resolve(ImageDigests.compute(bundle) + ".ext4")));
        try (Stream<Path> made = Files.list(bundles)) {
            assertEquals(List.of("ext4", "sha512"), made.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString().replaceAll(".*\\.", "")).sorted().toList());
        }
        try (Stream<Path> kept = Files.list(bundles.resolve("digests"))) {
            assertEquals(1, kept.count(), "the bundle's SHA-256, which create then reads instead of hashing the bundle");
        }
        assertFalse(Files.exists(dir.resolve("home")), "nothing beside the cache");
    }

    @Test
    void withoutABundleTheTrainingMakesNoImage(@TempDir Path dir) {
        StartupTraining.prepareBundleImage(Map.of(EngineBundle.ENV, dir.resolve("none.tar.gz").toString(),
                "XDG_CACHE_HOME", dir.resolve("cache").toString()), dir.resolve("home"));
        assertFalse(Files.exists(dir.resolve("cache")));
    }
}
