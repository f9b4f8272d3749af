package io.jmachine.provisioner.install;

import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.ShellQuoting;
import io.jmachine.provisioner.ssh.SshClient;

import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.jmachine.provisioner.ssh.ShellQuoting.quote;

/**
 * How the engine runs on its host: a systemd service where the host has systemd, else a detached process
 * (setsid) found again through the engine's own pidfile.
 */
sealed interface EngineService {

    Duration TIMEOUT = Duration.ofSeconds(90);
    /** What the engine's java command line names, whatever folder it is installed in. */
    String ENGINE_MAIN = "io.jmachine.engine.EngineMain";

    static EngineService detect(SshClient ssh, EngineLayout layout) {
        return of(ssh.run("[ -d /run/systemd/system ]", Duration.ofSeconds(30)).ok(), ssh, layout);
    }

    static EngineService of(boolean systemd, SshClient ssh, EngineLayout layout) {
        return systemd ? new Systemd(ssh) : new Detached(ssh, layout);
    }

    /** Registers the engine with the service manager (does not start it); whether that changed anything. */
    boolean install(String unitText, List<String> environment);

    /** Starts the engine, stopping a running one first. */
    void restart();

    void stop();

    boolean running();

    /** The command (run as root) that tells whether the engine runs with exactly this unit; none where one cannot. */
    default Optional<String> unitCheck(String unitText) {
        return Optional.empty();
    }

    /** Whether {@code answer}, to {@link #unitCheck}, says the engine runs, registered with exactly this unit. */
    default boolean runsUnit(String unitText, CommandResult answer) {
        return false;
    }

    /** The engine's last lines of output, for error messages. */
    String logTail();

    /** Stops the engine and unregisters it. */
    void uninstall();

    String describe();

    record Systemd(SshClient ssh) implements EngineService {
        private static List<RemoteFiles.RemoteFile> unitFile(String unitText) {
            return List.of(new RemoteFiles.RemoteFile(EngineLayout.UNIT_FILE, unitText.getBytes(StandardCharsets.UTF_8), "0644"));
        }

        @Override
        public boolean install(String unitText, List<String> environment) {
            List<RemoteFiles.RemoteFile> unit = unitFile(unitText);
            RemoteFiles files = new RemoteFiles(ssh);
            if (files.unchanged(unit) && ssh.run("systemctl is-enabled --quiet " + EngineLayout.SERVICE, TIMEOUT).ok()) {
                return false; // a first boot installed it already: no reload, which costs seconds under TCG
            }
            files.install(unit);
            // one reload: `enable` would reload again by itself
            ssh.runAsRoot("systemctl daemon-reload && systemctl enable --no-reload " + EngineLayout.SERVICE, TIMEOUT)
                    .orThrow("enabling the service");
            return true;
        }

        @Override
        public void restart() {
            ssh.runAsRoot("systemctl restart " + EngineLayout.SERVICE, TIMEOUT).orThrow("starting the service");
        }

        @Override
        public void stop() {
            ssh.runAsRoot("systemctl stop " + EngineLayout.SERVICE, TIMEOUT).orThrow("stopping the service");
        }

        @Override
        public boolean running() {
            return ssh.run("systemctl is-active --quiet " + EngineLayout.SERVICE, TIMEOUT).ok();
        }

        /** One round trip for what install and running ask in three (each ~0.8 s under TCG while a first boot goes on). */
        @Override
        public Optional<String> unitCheck(String unitText) {
            return Optional.of("systemctl is-enabled --quiet " + EngineLayout.SERVICE + " && systemctl is-active --quiet "
                    + EngineLayout.SERVICE + " && " + RemoteFiles.digestsCommand(unitFile(unitText)));
        }

        @Override
        public boolean runsUnit(String unitText, CommandResult answer) {
            return RemoteFiles.unchanged(unitFile(unitText), answer);
        }

        @Override
        public String logTail() {
            return ssh.runAsRoot("journalctl -u " + EngineLayout.SERVICE + " -n 30 --no-pager", TIMEOUT).stdout();
        }

        @Override
        public void uninstall() {
            ssh.runAsRoot("systemctl disable --now " + EngineLayout.SERVICE + " 2>/dev/null; rm -f " + EngineLayout.UNIT_FILE
                    + " && systemctl daemon-reload", TIMEOUT).orThrow("removing the service");
        }

        @Override
        public String describe() {
            return "systemd service " + EngineLayout.SERVICE;
        }
    }

    /** No systemd: the engine runs detached in its own session; its pidfile says which process it is. */
    final class Detached implements EngineService {
        private final SshClient ssh;
        private final EngineLayout layout;
        private final List<String> environment = new ArrayList<>();

        Detached(SshClient ssh, EngineLayout layout) {
            this.ssh = ssh;
            this.layout = layout;
        }

        /** Nothing to register: the start command carries the environment. */
        @Override
        public boolean install(String unitText, List<String> environment) {
            this.environment.clear();
            this.environment.addAll(environment);
            return false;
        }

        /**
         * The launching shell writes its pid before it execs the engine (whose launcher execs java in turn), so the pid
         * is known at once, before the engine writes its own pidfile.
         */
        @Override
        public void restart() {
            stop();
            String engine = "echo $$ > " + quote(launchPidfile()) + "; exec " + (environment.isEmpty() ? "" : "env " + ShellQuoting.join(environment) + " ")
                    + quote(layout.binary()) + " --config-file " + quote(layout.configFile());
            String command = "mkdir -p " + quote(layout.execRoot()) + " && cd / && setsid -f sh -c " + quote(engine)
                    + " >>" + quote(layout.logFile()) + " 2>&1 </dev/null";
            ssh.runAsRoot(command, TIMEOUT).orThrow("starting the engine");
        }

        private String launchPidfile() {
            return layout.execRoot() + "/jmachine-engine.launch.pid";
        }

        /** A sh snippet that sets p to the engine's pid, or exits 1 when no engine runs (a stale pid may name another process). */
        private String findEngine() {
            return "p=$(cat " + quote(layout.pidfile()) + " 2>/dev/null || cat " + quote(launchPidfile()) + " 2>/dev/null) || exit 1; "
                    + "grep -q " + ENGINE_MAIN + " /proc/$p/cmdline 2>/dev/null || exit 1; ";
        }

        @Override
        public void stop() {
            String command = "(" + findEngine() + "kill -TERM $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                    + "if kill -0 $p 2>/dev/null; then kill -KILL $p; fi); rm -f " + quote(launchPidfile());
            ssh.runAsRoot(command, TIMEOUT).orThrow("stopping the engine");
        }

        @Override
        public boolean running() {
            return ssh.runAsRoot(findEngine() + "true", TIMEOUT).ok();
        }

        @Override
        public String logTail() {
            return ssh.runAsRoot("tail -n 30 " + quote(layout.logFile()), TIMEOUT).stdout();
        }

        @Override
        public void uninstall() {
            stop();
        }

        @Override
        public String describe() {
            return "detached process (no systemd), pidfile " + layout.pidfile();
        }
    }
}
