package io.jmachine.engine.archive;

import io.jmachine.engine.errors.EngineException;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Archives as dockerd takes them (its archive.DecompressStream): gzip, bzip2 and xz are recognised by their magic
 * bytes and unpacked, whatever the request's headers say; anything else is read as it is.
 */
public final class Compression {

    private Compression() {
    }

    /** The stream unpacked when it is gzip, bzip2 or xz, else as it is. */
    public static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        Optional<String> format = detect(buffered);
        if (format.isEmpty()) {
            return buffered;
        }
        try {
            return new CompressorStreamFactory().createCompressorInputStream(format.get(), buffered);
        } catch (CompressorException e) {
            throw new IOException("cannot read the " + format.get() + " stream: " + e.getMessage(), e);
        }
    }

    /** The compression dockerd would unpack, or empty; other formats (zstd, lzma…) are left for the caller to judge. */
    public static Optional<String> detect(BufferedInputStream in) throws IOException {
        try {
            String format = CompressorStreamFactory.detect(in);
            return switch (format) {
                case CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2, CompressorStreamFactory.XZ -> Optional.of(format);
                default -> Optional.empty();
            };
        } catch (CompressorException notCompressed) {
            return Optional.empty();
        }
    }

    /** Gzip, bzip2 and xz are unpacked; another compression is refused; anything else is read as a plain tar. */
    public static InputStream plainOrRefused(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        if (detect(buffered).isPresent()) {
            return decompressed(buffered);
        }
        try {
            String format = CompressorStreamFactory.detect(buffered);
            throw EngineException.invalid("archives compressed with " + format + " are not supported: use a plain, gzip-, bzip2- or "
                    + "xz-compressed tar");
        } catch (CompressorException notCompressed) {
            return buffered;
        }
    }
}
