package io.jmachine.provisioner.ssh;

/** What a command run over SSH gave back. */
public record CommandResult(String command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Itself when the command succeeded, else an error that shows the command, its status and what it printed. */
    public CommandResult orThrow(String what) {
        if (exitCode != 0) {
            String output = (stderr.isBlank() ? stdout : stderr).strip();
            if (output.length() > 2000) {
                output = "…" + output.substring(output.length() - 2000);
            }
            throw new SshException(what + " failed (exit status " + exitCode + " of `" + command + "`)"
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return this;
    }
}
