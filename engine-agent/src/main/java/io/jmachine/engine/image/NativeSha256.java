package io.jmachine.engine.image;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * SHA-256 through OpenSSL's libcrypto. The engine runs on C1 alone (a small, quick-starting daemon), and C1 has
 * no SHA intrinsics: Java's SHA-256 there hashes about 175 MB/s, against 2 GB/s for libcrypto with the CPU's SHA
 * instructions. Every pulled byte is hashed twice (blob digest, diff ID), so this decides pull speed.
 * Used through {@link Digest#sha256()}, which falls back to Java's when libcrypto cannot be loaded.
 */
final class NativeSha256 extends MessageDigest {

    private interface LibCrypto extends Library {
        Pointer EVP_MD_CTX_new();

        void EVP_MD_CTX_free(Pointer context);

        Pointer EVP_sha256();

        int EVP_DigestInit_ex(Pointer context, Pointer type, Pointer engine);

        int EVP_DigestUpdate(Pointer context, ByteBuffer data, long length);

        int EVP_DigestFinal_ex(Pointer context, byte[] digest, IntByReference length);
    }

    private static final int CHUNK = 1 << 16;
    private static final Optional<LibCrypto> LIBCRYPTO = load();
    private static final Cleaner CLEANER = Cleaner.create();

    private final LibCrypto crypto;
    private final Pointer context;
    /** A direct buffer: JNA passes its address as is, where a byte[] would be copied whole on every call. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);

    private NativeSha256(LibCrypto crypto) {
        super("SHA-256");
        this.crypto = crypto;
        this.context = crypto.EVP_MD_CTX_new();
        if (context == null) {
            throw new IllegalStateException("EVP_MD_CTX_new failed");
        }
        Pointer owned = context;
        CLEANER.register(this, () -> crypto.EVP_MD_CTX_free(owned));
        init();
    }

    /** A native SHA-256, or empty when libcrypto is missing. */
    static Optional<MessageDigest> create() {
        return LIBCRYPTO.map(NativeSha256::new);
    }

    private static Optional<LibCrypto> load() {
        // file names (OpenSSL 3, then 1.1): "crypto" means libcrypto.so, which only the -dev package has, and the engine
        // gives JNA no folders to look for a versioned file in (see EngineMain)
        for (String name : new String[] {"libcrypto.so.3", "libcrypto.so.1.1", "crypto"}) {
            try {
                return Optional.of(Native.load(name, LibCrypto.class));
            } catch (UnsatisfiedLinkError tryNext) {
                // another name, else Java's own SHA-256
            }
        }
        return Optional.empty();
    }

    private void init() {
        if (crypto.EVP_DigestInit_ex(context, crypto.EVP_sha256(), null) != 1) {
            throw new IllegalStateException("EVP_DigestInit_ex(sha256) failed");
        }
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int length) {
        while (length > 0) {
            int n = Math.min(length, CHUNK);
            buffer.clear();
            buffer.put(input, offset, n).flip(); // JNA passes the address at the buffer's position
            if (crypto.EVP_DigestUpdate(context, buffer, n) != 1) {
                throw new IllegalStateException("EVP_DigestUpdate failed");
            }
            offset += n;
            length -= n;
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] digest = new byte[32];
        if (crypto.EVP_DigestFinal_ex(context, digest, new IntByReference()) != 1) {
            throw new IllegalStateException("EVP_DigestFinal_ex failed");
        }
        init(); // a MessageDigest starts over after digest()
        return digest;
    }

    @Override
    protected void engineReset() {
        init();
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        throw new CloneNotSupportedException("a native SHA-256 cannot be copied midway");
    }
}
