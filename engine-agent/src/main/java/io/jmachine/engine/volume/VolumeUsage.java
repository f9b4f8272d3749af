package io.jmachine.engine.volume;

import java.util.List;

/** The container side tells which containers (running or not) mount a volume: those keep it from removal. */
@FunctionalInterface
public interface VolumeUsage {

    /** IDs of the containers whose mounts name the volume. */
    List<String> containersUsing(String volumeName);
}
