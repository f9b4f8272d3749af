package io.jmachine.engine.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records of a PAX extended header ({@code "<length> <keyword>=<value>\n"}) as bytes. commons-compress reads
 * and writes their values as UTF-8 text, which garbles binary ones (POSIX ACLs, file capabilities in
 * {@code SCHILY.xattr.*}); Go's archive/tar, and so dockerd, keeps their bytes as they are.
 */
public final class PaxRecords {

    static final String XATTR = "SCHILY.xattr.";

    private PaxRecords() {
    }

    /** The {@code SCHILY.xattr.*} values of a header, by attribute name, byte for byte; a malformed rest is ignored. */
    static Map<String, byte[]> xattrs(byte[] header) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        forEach(header, (keyword, valueStart, valueEnd) -> {
            if (keyword.startsWith(XATTR)) {
                String name = keyword.substring(XATTR.length());
                if (valueEnd == valueStart) {
                    xattrs.remove(name); // an empty record deletes the keyword
                } else {
                    xattrs.put(name, java.util.Arrays.copyOfRange(header, valueStart, valueEnd));
                }
            }
        });
        return xattrs;
    }

    /** Every record of a header as text, by keyword (a later record wins); a malformed rest is ignored. */
    public static Map<String, String> values(byte[] header) {
        Map<String, String> values = new LinkedHashMap<>();
        forEach(header, (keyword, valueStart, valueEnd) ->
                values.put(keyword, new String(header, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
        return values;
    }

    /** The header with the values of {@code SCHILY.xattr.*} records replaced by ones of the same length. */
    static byte[] withXattrs(byte[] header, Map<String, byte[]> values) {
        byte[] result = header.clone();
        forEach(header, (keyword, valueStart, valueEnd) -> {
            if (keyword.startsWith(XATTR)) {
                byte[] value = values.get(keyword.substring(XATTR.length()));
                if (value != null && value.length == valueEnd - valueStart) {
                    System.arraycopy(value, 0, result, valueStart, value.length);
                }
            }
        });
        return result;
    }

    /** A stand-in for {@code value} that commons-compress writes as exactly {@code value.length} bytes. */
    static String placeholder(byte[] value) {
        return "x".repeat(value.length);
    }

    @FunctionalInterface
    private interface RecordVisitor {
        void record(String keyword, int valueStart, int valueEnd);
    }

    private static void forEach(byte[] header, RecordVisitor visitor) {
        int at = 0;
        while (at < header.length) {
            int space = indexOf(header, (byte) ' ', at);
            if (space < 0) {
                return;
            }
            int length;
            try {
                length = Integer.parseInt(new String(header, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return;
            }
            int end = at + length; // one past the record's '\n'
            int equals = indexOf(header, (byte) '=', space + 1);
            if (length <= 0 || end > header.length || equals < 0 || equals >= end || header[end - 1] != '\n') {
                return;
            }
            visitor.record(new String(header, space + 1, equals - space - 1, StandardCharsets.UTF_8), equals + 1, end - 1);
            at = end;
        }
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Collects the bytes of one header as they are read or written. */
    static final class Capture extends ByteArrayOutputStream {
        private Object owner;

        /** Starts over when the bytes belong to another header than before. */
        void add(Object header, byte[] bytes, int offset, int length) {
            if (header != owner) {
                owner = header;
                reset();
            }
            write(bytes, offset, length);
        }

        void clear() {
            owner = null;
            reset();
        }
    }
}
