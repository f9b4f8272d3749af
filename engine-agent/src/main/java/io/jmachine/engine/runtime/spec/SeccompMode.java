package io.jmachine.engine.runtime.spec;

/**
 * Which seccomp filter a container gets ({@code --security-opt seccomp=...}): the engine's default, none, or a
 * profile of its own. Privileged containers get no filter unless they name a profile, as moby's WithSeccomp.
 */
public sealed interface SeccompMode {

    /** No seccomp option: the engine's default profile, none when privileged. */
    record Default() implements SeccompMode {
    }

    /** {@code seccomp=unconfined}: no filter at all. */
    record Unconfined() implements SeccompMode {
    }

    /** A profile given by content ({@code seccomp=<JSON>}) or by name ({@code seccomp=builtin}); privileged containers get it too. */
    record Profile(SeccompProfile profile) implements SeccompMode {
        public Profile {
            if (profile == null) {
                throw new IllegalArgumentException("a seccomp mode with a profile needs the profile");
            }
        }
    }

    SeccompMode DEFAULT = new Default();
    SeccompMode UNCONFINED = new Unconfined();
}
