package io.jmachine.engine.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A tar reader that also gives each entry's extended attributes byte for byte: the PAX header's bytes are kept as
 * commons-compress reads them (through {@link #read}), and parsed again here, where its own parsing would take
 * binary values for UTF-8.
 */
final class XattrTarInputStream extends TarArchiveInputStream {

    private final PaxRecords.Capture header = new PaxRecords.Capture();
    /** getNextEntry calls itself for the entry after a PAX header: only the outermost call starts afresh. */
    private int depth;
    private Map<String, byte[]> xattrs = Map.of();

    XattrTarInputStream(InputStream in) {
        super(in, StandardCharsets.UTF_8.name());
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth == 0) {
            header.clear();
        }
        depth++;
        TarArchiveEntry entry;
        try {
            entry = super.getNextEntry();
        } finally {
            depth--;
        }
        if (depth == 0) {
            xattrs = header.size() == 0 ? Map.of() : PaxRecords.xattrs(header.toByteArray());
        }
        return entry;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        TarArchiveEntry current = getCurrentEntry();
        if (n > 0 && current != null && current.isPaxHeader()) {
            header.add(current, buffer, offset, n);
        }
        return n;
    }

    /** The current entry's extended attributes (SCHILY.xattr.*), values as the archive holds them. */
    Map<String, byte[]> xattrs() {
        return xattrs;
    }
}
