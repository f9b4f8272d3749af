package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.ApiException;

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

    /** Docker's syntax: comma-separated single characters or ctrl-&lt;char&gt; (ctrl-a … ctrl-z, ctrl-@, ctrl-[ …). */
    static DetachKeys parse(String spec) {
        String text = spec == null || spec.isEmpty() ? DEFAULT : spec;
        String[] keys = text.split(",");
        byte[] bytes = new byte[keys.length];
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i].toLowerCase(Locale.ROOT);
            if (key.length() == 1) {
                bytes[i] = (byte) key.charAt(0);
            } else if (key.startsWith("ctrl-") && key.length() == 6) {
                char c = key.charAt(5);
                if (c >= 'a' && c <= 'z') {
                    bytes[i] = (byte) (c - 'a' + 1);
                } else if (c >= '@' && c <= '_') {
                    bytes[i] = (byte) (c - '@');
                } else {
                    throw ApiException.badRequest("Invalid escape keys (" + text + ") provided");
                }
            } else {
                throw ApiException.badRequest("Invalid escape keys (" + text + ") provided");
            }
        }
        return new DetachKeys(bytes);
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
