package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

/** Port numbers and ranges as clients write them, with Docker's 400s for bad ones. */
final class PortNumbers {

    private PortNumbers() {
    }

    static int parse(String text, String what, String spec) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole specification
        }
        throw EngineException.invalid("invalid " + what + " in \"" + spec + "\": use a number from 1 to 65535");
    }
}
