package io.jmachine.provisioner.install;

import java.time.Duration;
import java.util.List;

/** Registers the engine with the host's service manager (systemd, or a detached process without it) and (re)starts it. */
final class StartEngine implements InstallStep {

    private final HostFacts facts;
    private final String unitText;
    private final List<String> environment;

    StartEngine(HostFacts facts, String unitText, List<String> environment) {
        this.facts = facts;
        this.unitText = unitText;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "start the engine (unless it runs with these files already)";
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(3);
    }

    /** An engine that runs with what was just checked to be in place (started at the host's first boot) is left running. */
    @Override
    public void run() {
        var check = facts.service().unitCheck(unitText);
        if (!facts.engineChanged && check.isPresent() && facts.service().runsUnit(unitText, facts.checks().asRoot(check.get()))) {
            return; // a first boot registered and started it with these very files
        }
        boolean registered = facts.service().install(unitText, environment);
        if (registered || facts.engineChanged || !facts.service().running()) {
            facts.service().restart();
        }
    }

    /** The engine stays stopped: the files it would run with are being put back, and a re-provision starts it again. */
    @Override
    public void undo() {
        facts.service().stop();
    }

    @Override
    public String remedy() {
        return "see the engine's output on the host (" + (facts.service == null ? "its log" : facts.service.describe()) + ")";
    }
}
