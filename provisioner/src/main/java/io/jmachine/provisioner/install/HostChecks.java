package io.jmachine.provisioner.install;

import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The read-only commands with which the install steps first look at what the host has (the packages, the bundle's
 * digest, the config files', the unit's), asked as root within DetectHost's one SSH command. After a first boot that
 * installed everything, every answer is "in place"; asked one by one, each was a round trip of ~0.8 s under TCG while
 * the engine starts, on create's critical path, and asked apart from DetectHost's, one SSH command and one sudo more.
 * A step asks again, on its own, after it changed things.
 */
final class HostChecks {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SshClient ssh;
    private final List<String> commands;
    private final String boundary = "jmachine-check-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private Map<String, CommandResult> answers = new HashMap<>();

    /** @param commands the commands to ask together, before the host's OS is known (so those of every OS family) */
    HostChecks(SshClient ssh, List<String> commands) {
        this.ssh = ssh;
        this.commands = List.copyOf(commands);
    }

    /** None asked together: each command runs on its own. */
    static HostChecks none(SshClient ssh) {
        return new HostChecks(ssh, List.of());
    }

    /** A script, run as root, that asks them all: each in a subshell of its own, its status on a line after its output. */
    String script() {
        StringBuilder script = new StringBuilder();
        for (String command : commands) {
            script.append("( ").append(command).append("\n) </dev/null 2>/dev/null; printf '\\n%s %s\\n' ").append(boundary).append(" $?\n");
        }
        return script.toString();
    }

    /** Takes each command's answer from what {@link #script()} printed. */
    void answered(String output) {
        answers = split(commands, boundary, output);
    }

    /** {@code command}'s answer from the script, once; a command outside it, or asked again, runs on its own. */
    CommandResult asRoot(String command) {
        CommandResult answer = answers.remove(command);
        return answer != null ? answer : ssh.runAsRoot(command, TIMEOUT);
    }

    /** Each command's output and status; a batch that ended early leaves the rest to run on their own. */
    static Map<String, CommandResult> split(List<String> commands, String boundary, String output) {
        Map<String, CommandResult> answers = new HashMap<>();
        String mark = "\n" + boundary + " ";
        int from = 0;
        for (String command : commands) {
            int at = output.indexOf(mark, from);
            if (at < 0) {
                break;
            }
            int end = output.indexOf('\n', at + mark.length());
            String status = output.substring(at + mark.length(), end < 0 ? output.length() : end).strip();
            try {
                answers.put(command, new CommandResult(command, Integer.parseInt(status), output.substring(from, at), ""));
            } catch (NumberFormatException e) {
                break;
            }
            if (end < 0) {
                break;
            }
            from = end + 1;
        }
        return answers;
    }
}
