package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Docker's detach sequence in an attached client's input (ctrl-p,ctrl-q unless the client names another):
 * bytes before it go to the container, the sequence itself ends the attach and leaves the container running.
 */
final class DetachKeys {

    static final String DEFAULT = "ctrl-p,ctrl-q";

    private final byte[] sequence;
    private int matched;

    private DetachKeys(byte[] sequence) {
        this.sequence = sequence;
    }

    /** For attach: dockerd's 400 for keys it cannot read. */
    static DetachKeys parse(String spec) {
        String text = spec == null || spec.isEmpty() ? DEFAULT : spec;
        try {
            return new DetachKeys(toBytes(text));
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("Invalid detach keys (" + text + ") provided");
        }
    }

    /**
     * Docker's syntax (moby/term ToBytes): comma-separated single characters, taken as they are, or ctrl-&lt;char&gt;
     * (ctrl-a … ctrl-z, ctrl-@, ctrl-[, ctrl-\, ctrl-], ctrl-^, ctrl-_).
     *
     * @throws IllegalArgumentException naming the key that is neither
     */
    static byte[] toBytes(String spec) {
        String[] keys = spec.split(",", -1);
        byte[] bytes = new byte[keys.length];
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            if (key.length() == 1) {
                bytes[i] = (byte) key.charAt(0);
                continue;
            }
            String lower = key.toLowerCase(Locale.ROOT);
            char c = lower.length() == 6 && lower.startsWith("ctrl-") ? lower.charAt(5) : 0;
            if (c >= 'a' && c <= 'z') {
                bytes[i] = (byte) (c - 'a' + 1);
            } else if (c >= '@' && c <= '_' && !(c >= 'A' && c <= 'Z')) {
                bytes[i] = (byte) (c - '@');
            } else {
                throw new IllegalArgumentException("Unknown character: '" + key + "'");
            }
        }
        return bytes;
    }

    /** For exec, whose keys were read at create: the default sequence when none were given. */
    static DetachKeys of(byte[] keys) {
        return new DetachKeys(keys.length == 0 ? toBytes(DEFAULT) : keys.clone());
    }

    /** The result of scanning one chunk of input. */
    record Scan(byte[] forward, boolean detach) {}

    /** Splits input into what to forward and whether the sequence completed; a partial match waits for the next chunk. */
    Scan scan(byte[] input) {
        ByteArrayOutputStream forward = new ByteArrayOutputStream(input.length);
        for (byte b : input) {
            if (b == sequence[matched]) {
                matched++;
                if (matched == sequence.length) {
                    matched = 0;
                    return new Scan(forward.toByteArray(), true);
                }
                continue;
            }
            // the held-back prefix was ordinary input after all
            forward.write(sequence, 0, matched);
            matched = 0;
            if (b == sequence[0]) {
                matched = 1;
            } else {
                forward.write(b);
            }
        }
        return new Scan(forward.toByteArray(), false);
    }
}
