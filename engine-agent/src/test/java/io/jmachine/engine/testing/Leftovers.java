package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What an engine's containers may leave on the host once they are removed and the engine stopped: processes
 * (the containers', conmon, runc), runc state, mounts under the test's folder, network namespaces, veths on
 * the test's bridge and NAT rules. Each finding names what is left, so that a failure says what to clean.
 */
public final class Leftovers {

    private Leftovers() {
    }

    /**
     * @param dir          the test's folder (holds the data root, exec root and socket)
     * @param execRoot     the engine's exec root (runc's state is under runtime/)
     * @param network      the test's bridge
     * @param containerIds every container the engine ran during the test
     */
    public static List<String> find(Path dir, Path execRoot, TestNetwork network, Collection<String> containerIds)
            throws IOException, InterruptedException {
        return find(dir, execRoot, network, containerIds, Set.of());
    }

    /** As {@link #find(Path, Path, TestNetwork, Collection)} while an engine runs: its own process is no leftover. */
    public static List<String> find(Path dir, Path execRoot, TestNetwork network, Collection<String> containerIds, Set<Long> enginePids)
            throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        found.addAll(processes(dir, containerIds, enginePids));
        found.addAll(runcState(execRoot));
        found.addAll(mounts(dir));
        found.addAll(namespaces(containerIds));
        for (String port : network.portsOnBridge()) {
            found.add("veth " + port + " on bridge " + network.bridge());
        }
        for (String rule : HostCommands.output("iptables", "-t", "nat", "-S").lines().toList()) {
            if (containerIds.stream().anyMatch(rule::contains)) {
                found.add("NAT rule " + rule);
            }
        }
        return found;
    }

    /** Processes that mention the test's folder (conmon, runc, an engine) or sit in a container's cgroup. */
    public static List<String> processes(Path dir, Collection<String> containerIds, Set<Long> except) throws IOException {
        List<String> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == self || except.contains(pid)) {
                    continue;
                }
                if (read(proc.resolve("status")).contains("\nState:\tZ")) {
                    // a zombie holds nothing but its pid, and init reaps it once its parent (a killed conmon) is gone
                    continue;
                }
                String cmdline = read(proc.resolve("cmdline")).replace('\0', ' ').strip();
                String cgroup = read(proc.resolve("cgroup"));
                if (cmdline.contains(dir.toString()) || containerIds.stream().anyMatch(cgroup::contains)) {
                    found.add("process " + proc.getFileName() + ": " + cmdline);
                }
            }
        }
        return found;
    }

    /** Processes in the cgroups of these containers (their own processes, not their monitors). */
    public static List<String> containerProcesses(Collection<String> containerIds) throws IOException {
        return processes(Path.of("/nonexistent-" + System.nanoTime()), containerIds, Set.of());
    }

    /** The runtime's record of containers that exist (runc's --root holds one folder each). */
    public static List<String> runcState(Path execRoot) throws IOException {
        List<String> found = new ArrayList<>();
        Path runtimes = execRoot.resolve("runtime");
        if (!Files.isDirectory(runtimes)) {
            return found;
        }
        try (var roots = Files.list(runtimes)) {
            for (Path root : roots.toList()) {
                try (var states = Files.list(root)) {
                    states.forEach(s -> found.add("runtime state " + s));
                }
            }
        }
        return found;
    }

    /** The engine names a container's namespace jm[data root hash]-[short ID] in /run/netns. */
    public static List<String> namespaces(Collection<String> containerIds) throws IOException {
        List<String> found = new ArrayList<>();
        Path netnsDir = Path.of("/run/netns");
        if (!Files.isDirectory(netnsDir)) {
            return found;
        }
        try (var names = Files.list(netnsDir)) {
            for (Path netns : names.toList()) {
                String name = netns.getFileName().toString();
                if (name.startsWith("jm") && containerIds.stream().anyMatch(id -> name.endsWith("-" + id.substring(0, 12)))) {
                    found.add("network namespace " + netns);
                }
            }
        }
        return found;
    }

    public static List<String> mounts(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4].replace("\\040", " ");
            if (mountPoint.startsWith(dir.toString())) {
                found.add("mount " + line);
            }
        }
        return found;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }
}
