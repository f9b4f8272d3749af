package io.jmachine.engine.image;

import io.jmachine.engine.archive.PaxRecords;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A layer tar split, as moby's tar-split splits it, into what its unpacked tree cannot give back (header blocks,
 * PAX and long-name records, padding, the end blocks, and the data of anything but regular files) and references
 * to regular files' contents in the tree. The record is a gzip'd stream: a magic line, the tar's length, then
 * segments (1: raw bytes, 2: a file's path in the tree and its length, 0: the end). Concatenating the segments
 * gives back the exact tar. What the tree might not hold verbatim (a file a later entry of the same tar replaces
 * or removes, sparse entries, anything after a header it cannot parse) stays raw in the record.
 */
final class TarSplit {

    static final String MAGIC = "jmachine-tar-split-1";
    private static final int BLOCK = 512;
    private static final int RAW = 1;
    private static final int FILE = 2;
    private static final int END = 0;

    private sealed interface Segment permits Raw, FileData {}

    private record Raw(long offset, long length) implements Segment {}

    private record FileData(String path, long offset, long length) implements Segment {}

    private TarSplit() {
    }

    /** Writes the record of {@code tar}, whose regular files' contents are in {@code tree}; returns the tar's length. */
    static long write(Path tar, Path tree, OutputStream record) throws IOException {
        try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
            long length = channel.size();
            List<Segment> segments = inTree(split(channel, length), tree);
            GZIPOutputStream gzip = new GZIPOutputStream(record, 1 << 16);
            DataOutputStream out = new DataOutputStream(gzip);
            out.writeUTF(MAGIC);
            out.writeLong(length);
            for (Segment segment : segments) {
                if (segment instanceof FileData file) {
                    out.writeByte(FILE);
                    out.writeUTF(file.path());
                    out.writeLong(file.length());
                } else if (segment instanceof Raw raw && raw.length() > 0) {
                    out.writeByte(RAW);
                    out.writeLong(raw.length());
                    copy(channel, raw.offset(), raw.length(), out);
                }
            }
            out.writeByte(END);
            out.flush();
            gzip.finish();
            record.flush();
            return length;
        }
    }

    /** The length of the tar a record rebuilds, read from its head. */
    static long tarLength(Path record) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(record)))) {
            readMagic(in, record);
            return in.readLong();
        }
    }

    /** The tar a record describes, with regular files' contents read from {@code tree}. Not verified: see LayerTars. */
    static InputStream rebuild(Path record, Path tree) throws IOException {
        DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(record), 1 << 16));
        try {
            readMagic(in, record);
            in.readLong();
            return new Rebuilt(in, tree.toRealPath());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static void readMagic(DataInputStream in, Path record) throws IOException {
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IOException("layer tar record " + record + " is not in a format this engine knows (" + magic + ")");
        }
    }

    /** Header walk: raw runs and regular files' data, or everything raw from the first entry it does not follow. */
    private static List<Segment> split(FileChannel tar, long length) throws IOException {
        List<Segment> segments = new ArrayList<>();
        long rawStart = 0;
        long position = 0;
        String longName = null;
        Map<String, String> pax = Map.of();
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        while (position + BLOCK <= length) {
            block.clear();
            readFully(tar, position, block);
            byte[] header = block.array();
            if (isZero(header)) {
                break; // the end blocks and whatever follows them stay raw
            }
            TarArchiveEntry entry;
            try {
                entry = new TarArchiveEntry(header, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8.name()));
            } catch (IllegalArgumentException | IOException unparsable) {
                break;
            }
            byte type = header[156];
            long size = entry.getSize();
            if (pax.containsKey("size")) {
                try {
                    size = Long.parseLong(pax.get("size"));
                } catch (NumberFormatException unparsable) {
                    break;
                }
            }
            if (entry.isGNUSparse() || entry.isExtended() || pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse"))
                    || size < 0 || type == 'g' && size > 1 << 20) {
                break;
            }
            long data = position + BLOCK;
            long next = data + (size + BLOCK - 1) / BLOCK * BLOCK;
            if (next > length) {
                break;
            }
            if (type == 'x') {
                pax = PaxRecords.values(readBytes(tar, data, size));
            } else if (type == 'L') {
                longName = new String(readBytes(tar, data, size), StandardCharsets.UTF_8).replaceAll("\0.*$", "");
            } else if (type == 'g' || type == 'K') {
                // global PAX records and long link names only shape later entries' metadata, which stays raw
            } else {
                String name = pax.containsKey("path") ? pax.get("path") : longName != null ? longName : entry.getName();
                if ((type == '0' || type == 0 || type == '7') && size > 0) {
                    segments.add(new Raw(rawStart, data - rawStart));
                    segments.add(new FileData(name, data, size));
                    rawStart = data + size;
                }
                longName = null;
                pax = Map.of();
            }
            position = next;
        }
        segments.add(new Raw(rawStart, length - rawStart));
        return segments;
    }

    /** Keeps a file reference only where the tree holds that file whole: the last entry of its path, a regular file. */
    private static List<Segment> inTree(List<Segment> segments, Path tree) throws IOException {
        Path root = tree.toRealPath();
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) instanceof FileData file) {
                last.put(normalized(file.path()), i);
            }
        }
        List<Segment> kept = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment instanceof FileData file) {
                String path = normalized(file.path());
                Path inTree = path.isEmpty() ? null : root.resolve(path).normalize();
                boolean whole = last.get(path) == i && inTree != null && path.length() < 16384 && inTree.startsWith(root)
                        && Files.isRegularFile(inTree, LinkOption.NOFOLLOW_LINKS)
                        && inTree.getParent().toRealPath().equals(inTree.getParent()) && Files.size(inTree) == file.length();
                segment = whole ? new FileData(path, file.offset(), file.length()) : new Raw(file.offset(), file.length());
            }
            kept.add(segment);
        }
        return kept;
    }

    /** A tar name as a path below the tree: no leading "/" or "./", no trailing "/". */
    static String normalized(String name) {
        String path = name;
        while (path.startsWith("/") || path.startsWith("./")) {
            path = path.startsWith("/") ? path.substring(1) : path.substring(2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.equals(".") ? "" : path;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readBytes(FileChannel channel, long offset, long length) throws IOException {
        if (length > 1 << 20) {
            throw new IOException("a tar metadata record of " + length + " bytes is too long");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        readFully(channel, offset, buffer);
        return buffer.array();
    }

    private static void readFully(FileChannel channel, long offset, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("the tar ends inside a block");
            }
        }
    }

    private static void copy(FileChannel channel, long offset, long length, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, 1 << 16));
        for (long done = 0; done < length; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            readFully(channel, offset + done, buffer);
            out.write(buffer.array(), 0, buffer.limit());
            done += buffer.limit();
        }
    }

    /** Streams the segments of a record, reading files from the tree as it reaches them. */
    private static final class Rebuilt extends InputStream {
        private final DataInputStream record;
        private final Path root;
        private InputStream current = InputStream.nullInputStream();
        private long remaining;
        private String currentFile;
        private boolean ended;

        Rebuilt(DataInputStream record, Path root) {
            this.record = record;
            this.root = root;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (remaining == 0) {
                if (ended || !nextSegment()) {
                    return -1;
                }
            }
            int n = current.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new IOException(currentFile == null ? "layer tar record ends early"
                        : "file " + currentFile + " in " + root + " is shorter than when its layer was stored");
            }
            remaining -= n;
            return n;
        }

        private boolean nextSegment() throws IOException {
            if (current != record) {
                current.close();
            }
            currentFile = null;
            int tag = record.readByte();
            if (tag == END) {
                ended = true;
                return false;
            }
            if (tag == RAW) {
                remaining = record.readLong();
                current = record;
                return true;
            }
            if (tag != FILE) {
                throw new IOException("layer tar record is damaged: unknown segment " + tag);
            }
            String path = record.readUTF();
            remaining = record.readLong();
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root) || !file.getParent().toRealPath().equals(file.getParent())
                    || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != remaining) {
                throw new IOException("file " + path + " in " + root + " is not the regular file of " + remaining
                        + " bytes its layer stored");
            }
            currentFile = path;
            current = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
            return true;
        }

        @Override
        public void close() throws IOException {
            if (current != record) {
                current.close();
            }
            record.close();
        }
    }
}
