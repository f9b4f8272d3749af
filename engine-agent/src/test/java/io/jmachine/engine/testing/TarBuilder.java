package io.jmachine.engine.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Builds tars entry by entry in memory, including the hostile ones no tar tool would write. */
public final class TarBuilder {

    public static final FileTime MTIME = FileTime.from(Instant.parse("2020-02-02T02:02:02Z"));

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, TarConstants.DEFAULT_RCDSIZE, "UTF-8");

    public TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public TarBuilder dir(String name) {
        return add(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 040755), null);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0100644, 0, 0);
    }

    public TarBuilder file(String name, String content, int mode, int uid, int gid) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, mode);
        entry.setIds(uid, gid);
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        entry.setSize(data.length);
        return add(entry, data);
    }

    public TarBuilder symlink(String name, String target) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0120777);
        entry.setLinkName(target);
        return add(entry, null);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_LINK, 0100644);
        entry.setLinkName(target);
        return add(entry, null);
    }

    public TarBuilder charDevice(String name, int major, int minor) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_CHR, 020666);
        entry.setDevMajor(major);
        entry.setDevMinor(minor);
        return add(entry, null);
    }

    public TarBuilder fifo(String name) {
        return add(entry(name, TarConstants.LF_FIFO, 010644), null);
    }

    public TarBuilder xattr(String name, String key, String value) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0100644);
        entry.addPaxHeader("SCHILY.xattr." + key, value);
        entry.setSize(0);
        return add(entry, new byte[0]);
    }

    public byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setMode(mode);
        entry.setModTime(MTIME);
        return entry;
    }

    private TarBuilder add(TarArchiveEntry entry, byte[] data) {
        try {
            tar.putArchiveEntry(entry);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
