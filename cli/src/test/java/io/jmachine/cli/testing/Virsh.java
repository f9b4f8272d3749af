package io.jmachine.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** virsh at qemu:///system, for tests that make libvirt networks and check that no domain is left behind. */
public final class Virsh {

    private Virsh() {
    }

    /** Runs {@code virsh -c qemu:///system ARGS…}; returns its output, stdout and stderr together. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " hung");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run virsh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Names of every domain, running or not. */
    public static List<String> domains() {
        return List.of(run("list", "--all", "--name").split("\\s+"));
    }

    /**
     * Makes a transient isolated network (no forward: guests reach the host's bridge address and each other, nothing else)
     * with DHCP on {@code subnet24}.0/24; it vanishes with {@link #removeNetwork}.
     */
    public static void createIsolatedNetwork(String name, String bridge, String subnet24) throws IOException {
        java.nio.file.Path xml = java.nio.file.Files.createTempFile("jm-net", ".xml");
        try {
            java.nio.file.Files.writeString(xml, """
                    <network>
                      <name>%s</name>
                      <bridge name='%s' stp='on' delay='0'/>
                      <ip address='%s.1' netmask='255.255.255.0'>
                        <dhcp><range start='%s.100' end='%s.200'/></dhcp>
                      </ip>
                    </network>
                    """.formatted(name, bridge, subnet24, subnet24, subnet24));
            String out = run("net-create", xml.toString());
            if (!run("net-list", "--name").lines().map(String::strip).toList().contains(name)) {
                throw new IllegalStateException("virsh net-create " + name + " failed: " + out);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(xml);
        }
    }

    public static void removeNetwork(String name) {
        run("net-destroy", name);
    }
}
