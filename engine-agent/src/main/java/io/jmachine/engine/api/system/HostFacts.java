package io.jmachine.engine.api.system;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What /info and /version report about the host, read once at start. */
public record HostFacts(String hostname, String kernelVersion, String operatingSystem, String osVersion,
                        String architecture, int cpus, long memoryBytes, int cgroupVersion) {

    public static HostFacts read() {
        return new HostFacts(readHostname(), System.getProperty("os.version"),
                osRelease("PRETTY_NAME", "Linux"), osRelease("VERSION_ID", ""),
                unameMachine(System.getProperty("os.arch")), Runtime.getRuntime().availableProcessors(),
                io.jmachine.engine.linux.MemInfo.totalBytes(), Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? 2 : 1);
    }

    /** Docker reports uname -m (x86_64), Java says amd64. */
    static String unameMachine(String javaArch) {
        return switch (javaArch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> javaArch;
        };
    }

    private static String readHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }

    private static String osRelease(String key, String fallback) {
        for (Path file : List.of(Path.of("/etc/os-release"), Path.of("/usr/lib/os-release"))) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith(key + "=")) {
                        return line.substring(key.length() + 1).replaceAll("^\"|\"$", "");
                    }
                }
            } catch (IOException e) {
                // try the next file
            }
        }
        return fallback;
    }

}
