package io.jmachine.drivers.kvm;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.libvirt.jna.StorageVolPointer;
import org.libvirt.jna.StreamPointer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Writes a local file into a libvirt volume through a libvirt stream (virStorageVolUpload), as `virsh vol-upload`
 * does: it works the same over a local socket, SSH or TLS. libvirt-java 0.5.2 has streams but no upload call, so that
 * one function is bound here with JNA on the library libvirt-java loads.
 */
final class VolumeUpload {

    /** libvirt's largest stream packet (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX is 262,120 bytes). */
    private static final int CHUNK = 256 * 1000;

    interface Upload extends Library {
        Upload LIBVIRT = Native.load("virt", Upload.class);

        int virStorageVolUpload(StorageVolPointer vol, StreamPointer stream, long offset, long length, int flags);

        int virStreamSend(StreamPointer stream, Pointer data, long nbytes);

        String virGetLastErrorMessage();
    }

    /** What an upload took, for the progress line (and the throughput figure). */
    record Sent(long bytes, long nanos) {
        String rate() {
            double seconds = Math.max(nanos, 1) / 1e9;
            return String.format(Locale.ROOT, "%d MiB in %.1f s, %.0f MiB/s", bytes >> 20, seconds, bytes / 1048576.0 / seconds);
        }
    }

    private VolumeUpload() {
    }

    /**
     * Sends {@code file} into {@code volume} from its start, then {@code zeros} zero bytes (padding a raw disk to whole
     * sectors); returns once libvirtd has written all of it. {@code onStream} sees the stream first, so that an exit
     * can abort it.
     */
    static Sent send(Connect connect, StorageVol volume, Path file, long zeros, String what, Progress progress,
                     java.util.function.Consumer<Stream> onStream) throws LibvirtException {
        long started = System.nanoTime();
        Stream stream = connect.streamNew(0);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = in.size() + zeros;
            onStream.accept(stream);
            check(Upload.LIBVIRT.virStorageVolUpload(pointer(volume), pointer(stream), 0, length, 0), "start the upload of " + what);
            Memory memory = new Memory(CHUNK);
            ByteBuffer buffer = memory.getByteBuffer(0, CHUNK);
            long sent = 0;
            long shown = 0;
            while (sent < length) {
                buffer.clear();
                int n = sent < in.size() ? in.read(buffer) : zeroFill(buffer, length - sent);
                if (n <= 0) {
                    throw new DriverException(file + " got shorter while it was uploaded; nothing was kept");
                }
                for (int off = 0; off < n; ) {
                    off += check(Upload.LIBVIRT.virStreamSend(pointer(stream), memory.share(off), n - off), "send " + what);
                }
                sent += n;
                if (sent - shown >= 32L << 20) {
                    shown = sent;
                    progress.status(String.format(Locale.ROOT, "uploading %s: %d of %d MiB", what, sent >> 20, length >> 20));
                }
            }
            stream.finish();
            return new Sent(length, System.nanoTime() - started);
        } catch (IOException e) {
            abort(stream);
            throw new DriverException("cannot read " + file + " to upload it: " + e.getMessage(), e);
        } catch (RuntimeException | LibvirtException e) {
            abort(stream);
            throw e;
        } finally {
            try {
                stream.free();
            } catch (LibvirtException e) {
                // freed with its connection
            }
        }
    }

    private static int zeroFill(ByteBuffer buffer, long left) {
        int n = (int) Math.min(buffer.capacity(), left);
        for (int i = 0; i < n; i++) {
            buffer.put(i, (byte) 0);
        }
        return n;
    }

    static void abort(Stream stream) {
        try {
            stream.abort();
        } catch (LibvirtException | RuntimeException e) {
            // already finished, aborted or gone with its connection
        }
    }

    private static int check(int result, String what) {
        if (result < 0) {
            throw new DriverException("cannot " + what + ": " + Upload.LIBVIRT.virGetLastErrorMessage());
        }
        return result;
    }

    // libvirt-java keeps its handles package-private; the upload call needs them
    private static StorageVolPointer pointer(StorageVol volume) {
        return (StorageVolPointer) field(StorageVol.class, "vsvp", volume);
    }

    private static StreamPointer pointer(Stream stream) {
        return (StreamPointer) field(Stream.class, "vsp", stream);
    }

    private static Object field(Class<?> type, String name, Object of) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(of);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libvirt-java's " + type.getSimpleName() + "." + name + " is gone: check its version", e);
        }
    }
}
