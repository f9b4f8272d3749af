package io.jmachine.drivers;

/** The states Docker Machine reports, so that `ls --filter state=` and scripts keep their meaning. */
public enum MachineState {
    NONE("None"),
    RUNNING("Running"),
    PAUSED("Paused"),
    SAVED("Saved"),
    STOPPED("Stopped"),
    STOPPING("Stopping"),
    STARTING("Starting"),
    ERROR("Error"),
    TIMEOUT("Timeout");

    private final String display;

    MachineState(String display) {
        this.display = display;
    }

    /** The word `jmachine ls` prints, as Docker Machine does. */
    public String display() {
        return display;
    }
}
