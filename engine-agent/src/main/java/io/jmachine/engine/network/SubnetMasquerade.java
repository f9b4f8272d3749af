package io.jmachine.engine.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NAT rule that lets a bridge network's containers out, one per network as dockerd's
 * ({@code -s SUBNET ! -o BRIDGE -j MASQUERADE}), rather than the bridge plugin's ipMasq chain per container, which
 * cost seven iptables processes on every start and five on every removal. It lives with the bridge: made on the
 * first container's attach (checked once per engine run), gone with the bridge. Containers attached by an engine
 * that still used ipMasq keep their chains until their DEL, which runs with the configuration they were added with.
 */
public final class SubnetMasquerade {

    /** The bridges whose rule this engine has seen or made; other engines' bridges are theirs. */
    private static final Set<String> ENSURED = ConcurrentHashMap.newKeySet();

    private SubnetMasquerade() {
    }

    /** Makes the rule for {@code bridge}'s subnet unless it is there. */
    static void ensure(String bridge, Ipv4Subnet subnet) {
        String key = bridge + " " + subnet;
        if (ENSURED.contains(key)) {
            return;
        }
        synchronized (ENSURED) {
            if (ENSURED.contains(key)) {
                return;
            }
            if (!HostProcess.run(command("-C", bridge, subnet)).succeeded()) {
                HostProcess.runChecked(command("-A", bridge, subnet));
            }
            ENSURED.add(key);
        }
    }

    /** Deletes the rule for {@code bridge}'s subnet; nothing when there is none (also for tests that delete their bridge). */
    public static void remove(String bridge, Ipv4Subnet subnet) {
        synchronized (ENSURED) {
            ENSURED.remove(bridge + " " + subnet);
            HostProcess.run(command("-D", bridge, subnet));
        }
    }

    /** The plugin's rule said the same: not its own subnet, not multicast; here through "not out of its bridge". */
    private static List<String> command(String action, String bridge, Ipv4Subnet subnet) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "-t", "nat", action, "POSTROUTING"));
        command.addAll(List.of("-s", subnet.toString(), "!", "-d", "224.0.0.0/4", "!", "-o", bridge, "-j", "MASQUERADE",
                "-m", "comment", "--comment", "jmachine-engine " + bridge));
        return command;
    }
}
