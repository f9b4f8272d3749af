package io.jmachine.engine.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A tar writer that writes extended attributes byte for byte: commons-compress writes the PAX header with
 * same-length stand-ins, and their bytes are swapped for the real values on their way out.
 */
final class XattrTarOutputStream extends TarArchiveOutputStream {

    private final PaxRecords.Capture header = new PaxRecords.Capture();
    private Map<String, byte[]> pending = Map.of();
    private boolean inHeader;

    XattrTarOutputStream(OutputStream out) {
        super(out, TarConstants.DEFAULT_RCDSIZE, StandardCharsets.UTF_8.name());
    }

    /** Puts {@code entry} with these extended attributes (SCHILY.xattr.*). */
    void putArchiveEntry(TarArchiveEntry entry, Map<String, byte[]> xattrs) throws IOException {
        for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
            entry.addPaxHeader(PaxRecords.XATTR + xattr.getKey(), PaxRecords.placeholder(xattr.getValue()));
        }
        pending = xattrs;
        try {
            putArchiveEntry(entry);
        } finally {
            pending = Map.of();
        }
    }

    @Override
    public void putArchiveEntry(TarArchiveEntry entry) throws IOException {
        super.putArchiveEntry(entry);
        // the PAX header of an entry is put from within the entry's own putArchiveEntry
        inHeader = entry.isPaxHeader() && !pending.isEmpty();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (inHeader) {
            header.add(this, bytes, offset, length);
        } else {
            super.write(bytes, offset, length);
        }
    }

    @Override
    public void closeArchiveEntry() throws IOException {
        if (inHeader) {
            inHeader = false;
            byte[] bytes = PaxRecords.withXattrs(header.toByteArray(), pending);
            header.clear();
            super.write(bytes, 0, bytes.length);
        }
        super.closeArchiveEntry();
    }
}
