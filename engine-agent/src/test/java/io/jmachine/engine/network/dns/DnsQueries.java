package io.jmachine.engine.network.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds queries the way a stub resolver does and reads the A records out of answers. */
final class DnsQueries {

    private DnsQueries() {
    }

    static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, id);
        writeShort(out, 0x0100); // RD
        writeShort(out, 1);
        writeShort(out, 0);
        writeShort(out, 0);
        writeShort(out, 0);
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(0);
        writeShort(out, type);
        writeShort(out, DnsMessage.CLASS_IN);
        return out.toByteArray();
    }

    static int id(byte[] message) {
        return (message[0] & 0xFF) << 8 | (message[1] & 0xFF);
    }

    static int answerCount(byte[] message) {
        return (message[6] & 0xFF) << 8 | (message[7] & 0xFF);
    }

    /** The addresses of the A records, assuming (as the server writes them) compressed names. */
    static List<String> addresses(byte[] message) {
        int position = 12;
        while (message[position] != 0) {
            position += (message[position] & 0xFF) + 1;
        }
        position += 5; // the root label, QTYPE, QCLASS
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < answerCount(message); i++) {
            position += 2 + 2 + 2 + 4; // pointer, type, class, TTL
            int length = (message[position] & 0xFF) << 8 | (message[position + 1] & 0xFF);
            position += 2;
            if (length == 4) {
                addresses.add((message[position] & 0xFF) + "." + (message[position + 1] & 0xFF) + "."
                        + (message[position + 2] & 0xFF) + "." + (message[position + 3] & 0xFF));
            }
            position += length;
        }
        return addresses;
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8 & 0xFF);
        out.write(value & 0xFF);
    }
}
