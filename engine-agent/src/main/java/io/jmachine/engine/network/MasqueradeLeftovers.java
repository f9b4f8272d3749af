package io.jmachine.engine.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the NAT rules the bridge plugin's {@code ipMasq} made for a container. The plugin's own DEL finds
 * the addresses to unmasquerade inside the container's namespace, so when that namespace is already gone
 * (deleted by hand, or a crash between our steps) the rules would stay forever; this finds them by the
 * plugin's deterministic chain name instead.
 */
final class MasqueradeLeftovers {

    private static final Pattern SOURCE = Pattern.compile("-s (\\S+)");

    private MasqueradeLeftovers() {
    }

    /** The plugin's chain name: "CNI-" and the SHA-512 of network name and container ID, cut to iptables' 28 characters. */
    static String chainName(String network, String containerId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest((network + containerId).getBytes(StandardCharsets.UTF_8));
            return ("CNI-" + HexFormat.of().formatHex(digest)).substring(0, 28);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-512", e);
        }
    }

    /** The comment on each of the plugin's rules (Go's %q quoting of plain names). */
    static String comment(String network, String containerId) {
        return "name: \"" + network + "\" id: \"" + containerId + "\"";
    }

    /** Deletes the container's jump rules from POSTROUTING and its chain; does nothing if there are none. */
    static void remove(String network, String containerId) {
        String chain = chainName(network, containerId);
        HostProcess.Outcome listed = HostProcess.run(List.of("iptables", "-w", "-t", "nat", "-S", "POSTROUTING"));
        if (!listed.succeeded()) {
            throw new NetworkException("cannot list NAT rules to remove container " + containerId + "'s: " + listed.describe());
        }
        for (String rule : listed.stdout().lines().toList()) {
            if (!rule.endsWith("-j " + chain)) {
                continue;
            }
            Matcher source = SOURCE.matcher(rule);
            if (source.find()) {
                HostProcess.runChecked(List.of("iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-s", source.group(1),
                        "-m", "comment", "--comment", comment(network, containerId), "-j", chain));
            }
        }
        // absent unless the rules above existed; -F fails then, which is the "nothing to do" case
        if (HostProcess.run(List.of("iptables", "-w", "-t", "nat", "-F", chain)).succeeded()) {
            HostProcess.runChecked(List.of("iptables", "-w", "-t", "nat", "-X", chain));
        }
    }
}
