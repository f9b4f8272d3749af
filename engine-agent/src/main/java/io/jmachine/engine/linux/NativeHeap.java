package io.jmachine.engine.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The C heap of this process: glibc keeps what threads freed in its arenas until asked to give it back. */
public final class NativeHeap {

    private interface C extends Library {
        int malloc_trim(long pad);
    }

    private static final C LIBC = Native.load("c", C.class);

    private NativeHeap() {
    }

    /** malloc_trim(3): returns the free pages of every arena to the system; false where libc has none (musl). */
    public static boolean trim() {
        try {
            return LIBC.malloc_trim(0) == 1;
        } catch (UnsatisfiedLinkError notGlibc) {
            return false;
        }
    }
}
