package io.jmachine.engine.network;

/**
 * A CNI plugin failed. Carries the spec's error fields: {@code code} (1-99 are the spec's, e.g. 7 invalid
 * network config, 11 try again later), {@code msg} and {@code details}.
 */
public class CniException extends NetworkException {

    private final String plugin;
    private final String command;
    private final int code;
    private final String msg;
    private final String details;

    public CniException(String plugin, String command, int code, String msg, String details) {
        super("CNI plugin " + plugin + " failed " + command + " (code " + code + "): " + msg
                + (details == null || details.isBlank() ? "" : " (" + details + ")"));
        this.plugin = plugin;
        this.command = command;
        this.code = code;
        this.msg = msg;
        this.details = details;
    }

    public String plugin() {
        return plugin;
    }

    public String command() {
        return command;
    }

    public int code() {
        return code;
    }

    public String msg() {
        return msg;
    }

    public String details() {
        return details;
    }
}
