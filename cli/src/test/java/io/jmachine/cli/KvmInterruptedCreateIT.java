package io.jmachine.cli;

import io.jmachine.cli.testing.Virsh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `jmachine create -d kvm` killed at each phase (Ctrl-C, SIGTERM, SIGKILL) leaves nothing `rm` cannot clean: the real
 * launcher runs as a process, is killed when its output shows the phase, and then `rm -y` must succeed and leave no
 * libvirt domain, no disk or seed (in the store or as volumes of the pool), no machine folder. Three phases boot a VM (TCG), so this runs only with
 * {@code -Djmachine.kvm.e2e=true}.
 */
class KvmInterruptedCreateIT {

    private static final Path LAUNCHER = Path.of("../jmachine").toAbsolutePath().normalize();
    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();
    private static final long PID = ProcessHandle.current().pid();

    /** Where create is killed: the output line that marks the phase, and the signal. */
    enum Phase {
        STORE_ENTRY_MADE("creating the host with the kvm driver", "INT"),
        DOMAIN_DEFINED("started the libvirt domain", "TERM"),
        BOOTING("waiting for SSH on", "KILL"),
        PROVISIONING("] upload", "INT");

        final String marker;
        final String signal;

        Phase(String marker, String signal) {
            this.marker = marker;
            this.signal = signal;
        }

        String machine() {
            return "jmit-int-" + PID + "-" + ordinal();
        }
    }

    @TempDir
    static Path dir;

    private static Path store() {
        return dir.resolve("store");
    }

    private static ProcessBuilder jmachine(String... args) {
        List<String> command = new ArrayList<>();
        // a JVM started with SIGINT ignored (as background jobs are) never sees Ctrl-C: perl (in every Debian) resets it first
        command.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JMACHINE_STORAGE_PATH", store().toString());
        return builder;
    }

    @AfterAll
    static void removeWhateverIsLeft() throws Exception {
        if (dir != null && Boolean.getBoolean("jmachine.kvm.e2e")) {
            for (Phase phase : Phase.values()) {
                jmachine("rm", "-f", phase.machine()).start().waitFor(120, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void aCreateKilledAtThisPhaseIsRemovedWithoutLeftovers(Phase phase) throws Exception {
        assumeTrue(Boolean.getBoolean("jmachine.kvm.e2e"), "the kvm end-to-end tests run only with -Djmachine.kvm.e2e=true");
        String name = phase.machine();
        Process create = jmachine("create", "-d", "kvm", "--kvm-accel", "tcg", "--kvm-memory", "1024", "--engine-bundle", BUNDLE.toString(),
                name).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Boolean> reached = CompletableFuture.supplyAsync(() -> readUntil(create, phase.marker, output));
        assertTrue(reached.get(6, TimeUnit.MINUTES), "create never reached \"" + phase.marker + "\":\n" + output);
        new ProcessBuilder("kill", "-" + phase.signal, Long.toString(create.pid())).start().waitFor();
        assertTrue(create.waitFor(60, TimeUnit.SECONDS), "create did not end on SIG" + phase.signal + ":\n" + output);
        String rest = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!phase.signal.equals("KILL")) {
            assertTrue(rest.contains("`jmachine rm -f " + name + "` removes what it made"), "the interrupted create says how to clean up:\n" + output + rest);
        }

        Process rm = jmachine("rm", "-y", name).start();
        String rmOutput = new String(rm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(rm.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, rm.exitValue(), rmOutput);
        assertFalse(Virsh.domains().contains(name), "no libvirt domain is left: " + Virsh.domains());
        // libvirtd finishes a call whose client was killed: a define still under way would show up now
        Thread.sleep(3000);
        assertFalse(Virsh.domains().contains(name), "no libvirt domain appears after rm: " + Virsh.domains());
        assertFalse(Files.exists(store().resolve("machines").resolve(name)), "the machine's folder is gone");
        assertEquals(List.of(), leftoverDisks(), "no disk nor seed is left in the store");
        String volumes = Virsh.run("vol-list", "--pool", "default");
        assertFalse(volumes.contains("jmachine-" + name + "-"), "no volume of the machine is left in the pool: " + volumes);
        assertFalse(volumes.contains(".part-") || volumes.contains(".lock"), "no upload's part or lock is left: " + volumes);
    }

    /** Reads create's output until a line has the marker; false if it ended first. */
    private static boolean readUntil(Process process, String marker, StringBuilder output) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.contains(marker)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> leftoverDisks() throws IOException {
        if (!Files.exists(store())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store())) {
            return files.filter(f -> f.getFileName().toString().matches("disk\\.qcow2.*|seed\\.iso.*")).toList();
        }
    }
}
