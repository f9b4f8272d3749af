package io.jmachine.engine.monitor;

import java.nio.file.Path;

/**
 * An engine stand-in for {@link ContainerMonitorIT}: in its own JVM it creates and starts a
 * container, says "ready", and waits to be killed with -9.
 * Args: stateRoot runtimeRoot id bundle logPath.
 */
public final class MonitorInAnotherJvm {

    public static void main(String[] args) throws Exception {
        ContainerMonitor monitor = new ContainerMonitor(Path.of(args[0]), BusyboxBundles.CONMON, BusyboxBundles.RUNC, Path.of(args[1]));
        monitor.create(new MonitorRequest(args[2], Path.of(args[3]), Path.of(args[4]), false, false, true));
        monitor.start(args[2]);
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
