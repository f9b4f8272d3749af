package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A two-machine kvm fleet applied two at a time (TCG), a no-op re-apply, then fleet rm. Minutes long: runs only with
 * {@code -Djmachine.kvm.e2e=true} (under the VM lock), with libvirtd answering at qemu:///system.
 */
class FleetKvmIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final String FLEET = "jmitf" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static Result jmachine(String... args) {
        return new TestCli(dir).jmachine(args);
    }

    @AfterAll
    static void removeWhateverIsLeft() {
        if (dir != null && Boolean.getBoolean("jmachine.kvm.e2e")) {
            jmachine("rm", "-f", "-y", FLEET + "-web-1", FLEET + "-web-2");
        }
    }

    @Test
    void appliesATwoMachineKvmFleetThenChangesNothingThenRemovesIt() throws Exception {
        assumeTrue(Boolean.getBoolean("jmachine.kvm.e2e"), "the kvm fleet test runs only with -Djmachine.kvm.e2e=true");
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, "name: " + FLEET + "\nmachines:\n  web:\n    driver: kvm\n    count: 2\n    options:\n"
                + "      kvm-accel: tcg\n      kvm-memory: 1024\n      kvm-cpu-count: 1\n      engine-bundle: " + BUNDLE + "\n");
        long applyStarted = System.nanoTime();
        Result apply = jmachine("fleet", "apply", "--parallel", "2", "-f", file.toString());
        assertEquals(0, apply.code(), apply.err());
        System.out.printf("fleet: apply of 2 kvm machines, --parallel 2, took %.1f s%n", (System.nanoTime() - applyStarted) / 1e9);
        assertEquals(FLEET + "-web-1\n" + FLEET + "-web-2\n", jmachine("ls", "-q", "--filter", "label=jmachine.fleet=" + FLEET).out());
        Result states = jmachine("ls", "--filter", "label=jmachine.fleet=" + FLEET, "--format", "{{.State}}");
        assertEquals("Running\nRunning\n", states.out(), states.err());

        long started = System.nanoTime();
        Result again = jmachine("fleet", "apply", "-f", file.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("nothing to change"), again.out());
        System.out.printf("fleet: a no-op apply took %.2f s%n", (System.nanoTime() - started) / 1e9);

        Result rm = jmachine("fleet", "rm", "-y", "-f", file.toString());
        assertEquals(0, rm.code(), rm.err());
        assertEquals("", jmachine("ls", "-q").out());
    }
}
