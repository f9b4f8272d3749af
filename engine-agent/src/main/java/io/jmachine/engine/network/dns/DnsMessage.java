package io.jmachine.engine.network.dns;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few parts of RFC 1035 messages the embedded server needs: a query's header and its one question in,
 * answers with A records or an error code out. Anything else in a query (EDNS OPT records, say) is left
 * unread, since the server's answers never need it.
 *
 * @param id       the query's ID, echoed in the answer
 * @param flags    the query's flags word (opcode and RD are echoed)
 * @param name     the question's name, lower case, without the trailing dot
 * @param type     the question's QTYPE
 * @param qclass   the question's QCLASS
 * @param question the question section's raw bytes, copied into answers as they came
 */
public record DnsMessage(int id, int flags, String name, int type, int qclass, byte[] question) {

    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_ANY = 255;
    public static final int CLASS_IN = 1;
    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;

    private static final int HEADER_LENGTH = 12;
    private static final int QR = 0x8000;
    private static final int AA = 0x0400;
    private static final int RD = 0x0100;
    private static final int RA = 0x0080;
    private static final int OPCODE_MASK = 0x7800;

    /** A query the server cannot read; {@code id} is known when at least the header was there (else -1). */
    public static final class MalformedException extends Exception {
        private final int id;

        MalformedException(int id, String message) {
            super(message);
            this.id = id;
        }

        public int id() {
            return id;
        }
    }

    /** Reads a query: a header with QR clear and exactly one question. */
    public static DnsMessage parseQuery(byte[] packet, int length) throws MalformedException {
        if (length < HEADER_LENGTH) {
            throw new MalformedException(-1, "a DNS message has a 12-byte header; got " + length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
        int id = Short.toUnsignedInt(in.getShort());
        int flags = Short.toUnsignedInt(in.getShort());
        int questions = Short.toUnsignedInt(in.getShort());
        if ((flags & QR) != 0) {
            throw new MalformedException(id, "not a query: the QR bit is set");
        }
        if (questions != 1) {
            throw new MalformedException(id, "a query has one question; this has " + questions);
        }
        in.position(HEADER_LENGTH);
        try {
            List<String> labels = new ArrayList<>();
            int total = 0;
            while (true) {
                int labelLength = Byte.toUnsignedInt(in.get());
                if (labelLength == 0) {
                    break;
                }
                if ((labelLength & 0xC0) != 0) {
                    // compression in a question points back into a header that has no names: never valid here
                    throw new MalformedException(id, "a compressed name in the question");
                }
                byte[] label = new byte[labelLength];
                in.get(label);
                total += labelLength + 1;
                if (total > 255) {
                    throw new MalformedException(id, "a name longer than 255 bytes");
                }
                labels.add(new String(label, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            int type = Short.toUnsignedInt(in.getShort());
            int qclass = Short.toUnsignedInt(in.getShort());
            byte[] question = java.util.Arrays.copyOfRange(packet, HEADER_LENGTH, in.position());
            return new DnsMessage(id, flags, String.join(".", labels).toLowerCase(Locale.ROOT), type, qclass, question);
        } catch (BufferUnderflowException e) {
            throw new MalformedException(id, "the question is cut short");
        }
    }

    /** An authoritative answer with one A record per address (none: NOERROR with no data, "the name has no such record"). */
    public byte[] answer(List<byte[]> ipv4Addresses, int ttlSeconds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(out, id, responseFlags(NOERROR) | AA, 1, ipv4Addresses.size());
        out.writeBytes(question);
        for (byte[] address : ipv4Addresses) {
            writeShort(out, 0xC000 | HEADER_LENGTH); // the question's name, by a pointer
            writeShort(out, TYPE_A);
            writeShort(out, CLASS_IN);
            writeInt(out, ttlSeconds);
            writeShort(out, 4);
            out.writeBytes(address);
        }
        return out.toByteArray();
    }

    /** An answer with only the question and a response code. */
    public byte[] error(int rcode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(out, id, responseFlags(rcode), 1, 0);
        out.writeBytes(question);
        return out.toByteArray();
    }

    /** An error answer to a query that could not be read: only a header (RFC 1035 allows an empty question section). */
    public static byte[] headerOnlyError(int id, int rcode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(out, Math.max(id, 0), QR | RA | rcode, 0, 0);
        return out.toByteArray();
    }

    /** The response code of an answer (for tests and logs). */
    public static int rcodeOf(byte[] response) {
        return response[3] & 0x0F;
    }

    private int responseFlags(int rcode) {
        return QR | (flags & OPCODE_MASK) | (flags & RD) | RA | rcode;
    }

    private static void writeHeader(ByteArrayOutputStream out, int id, int flags, int questions, int answers) {
        writeShort(out, id);
        writeShort(out, flags);
        writeShort(out, questions);
        writeShort(out, answers);
        writeShort(out, 0);
        writeShort(out, 0);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8 & 0xFF);
        out.write(value & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        writeShort(out, value >>> 16);
        writeShort(out, value & 0xFFFF);
    }
}
