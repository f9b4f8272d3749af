package io.jmachine.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jmachine version`: the client's version and the Java it runs on. */
@Command(name = "version", description = "Show the jmachine version.")
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(versionLine());
    }

    static String versionLine() {
        return "jmachine version " + BuildInfo.load().version() + " (Java " + Runtime.version().feature() + ")";
    }

    /** The same line for `jmachine --version`. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }
}
