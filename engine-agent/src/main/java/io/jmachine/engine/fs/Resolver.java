package io.jmachine.engine.fs;

import java.io.IOException;

/** Resolves a cleaned path inside a root folder to an O_PATH descriptor; links never lead out of the root. */
interface Resolver {

    /**
     * @param clean       components joined by "/", no "." or empty ones ({@link Root#clean}); "" is the root
     * @param followFinal whether a link in the last component is followed (inside the root) or given itself
     */
    int resolve(int rootFd, String clean, boolean followFinal, String what) throws IOException;

    /** openat2 where the kernel has it (5.6+) and no seccomp filter hides it, else the descriptor walk. */
    static Resolver best() {
        return Openat2Resolver.AVAILABLE ? new Openat2Resolver() : new WalkResolver();
    }

    /** openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): one call, the kernel confines every step. */
    final class Openat2Resolver implements Resolver {

        static final boolean AVAILABLE = probe();

        private static final int ATTEMPTS = 64;

        @Override
        public int resolve(int rootFd, String clean, boolean followFinal, String what) throws IOException {
            int flags = Syscalls.O_PATH | Syscalls.O_CLOEXEC | (followFinal ? 0 : Syscalls.O_NOFOLLOW);
            String path = clean.isEmpty() ? "." : clean;
            for (int attempt = 1; ; attempt++) {
                int fd = Syscalls.openat2(rootFd, path, flags, Syscalls.RESOLVE_IN_ROOT | Syscalls.RESOLVE_NO_MAGICLINKS);
                if (fd >= 0) {
                    return fd;
                }
                // EAGAIN: a rename raced a ".." step and the kernel would rather retry than guess
                if ((-fd != Syscalls.EAGAIN && -fd != Syscalls.EINTR) || attempt == ATTEMPTS) {
                    throw Syscalls.failure(-fd, what);
                }
            }
        }

        private static boolean probe() {
            int fd = Syscalls.openat2(Syscalls.AT_FDCWD, "/", Syscalls.O_PATH | Syscalls.O_CLOEXEC, Syscalls.RESOLVE_IN_ROOT);
            if (fd < 0) {
                return false; // ENOSYS before 5.6; EPERM or ENOSYS under a seccomp filter that does not know it
            }
            try {
                Syscalls.close(fd, "/");
            } catch (IOException e) {
                // a probe's descriptor: nothing to keep
            }
            return true;
        }
    }
}
