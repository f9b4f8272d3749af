package io.jmachine.engine.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's memory from /proc/meminfo (what docker info and an unlimited container's stats report). */
public final class MemInfo {

    private MemInfo() {
    }

    /** MemTotal in bytes, or 0 when /proc/meminfo cannot be read. */
    public static long totalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }
}
