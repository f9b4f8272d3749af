package io.jmachine.engine.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the whole host is going down (a poweroff or reboot), not just the engine: systemd's manager says
 * "stopping" once a shutdown is under way. On a host without systemd the answer is no.
 */
public final class HostShutdown {

    private HostShutdown() {
    }

    public static boolean inProgress() {
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return false;
        }
        try {
            Process process = new ProcessBuilder("systemctl", "is-system-running").redirectErrorStream(true).start();
            process.getOutputStream().close();
            String state = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return state.equals("stopping");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
