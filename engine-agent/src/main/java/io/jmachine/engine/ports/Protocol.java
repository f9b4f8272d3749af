package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

import java.util.Locale;

/** The transport of a published port; Docker's third, sctp, needs a kernel module and is refused. */
public enum Protocol {
    TCP, UDP;

    /** Docker's spelling: an empty protocol means tcp. */
    public static Protocol parse(String text) {
        String name = text == null || text.isEmpty() ? "tcp" : text.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            case "sctp" -> throw EngineException.invalid("invalid port protocol sctp: this engine publishes tcp and udp ports only");
            default -> throw EngineException.invalid("invalid proto: " + text);
        };
    }

    /** As Docker writes it: tcp, udp. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
