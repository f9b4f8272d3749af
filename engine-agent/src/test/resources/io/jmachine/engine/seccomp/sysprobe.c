/* Calls one syscall the way an attacker would and says how the kernel (and its seccomp filter) answered. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static int report(const char *what, long result) {
    if (result < 0) {
        int err = errno;
        printf("%s: errno %d (%s)\n", what, err, strerror(err));
        return 1;
    }
    printf("%s: ok\n", what);
    return 0;
}

/* the child of a successful clone ends at once; the parent reaps it */
static long reaped(long pid) {
    if (pid == 0) {
        _exit(0);
    }
    if (pid > 0) {
        waitpid((pid_t) pid, NULL, __WALL);
    }
    return pid;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sysprobe keyctl-join|add-key|request-key|personality HEX|clone HEX|clone3\n");
        return 2;
    }
    const char *op = argv[1];
    unsigned long arg = argc > 2 ? strtoul(argv[2], NULL, 16) : 0;
    if (strcmp(op, "keyctl-join") == 0) {
        return report(op, syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL));
    }
    if (strcmp(op, "add-key") == 0) {
        return report(op, syscall(SYS_add_key, "user", "sysprobe", "x", 1, -2 /* KEY_SPEC_PROCESS_KEYRING */));
    }
    if (strcmp(op, "request-key") == 0) {
        return report(op, syscall(SYS_request_key, "user", "sysprobe", NULL, 0));
    }
    if (strcmp(op, "personality") == 0) {
        return report(op, syscall(SYS_personality, arg));
    }
    if (strcmp(op, "clone") == 0) {
        return report(op, reaped(syscall(SYS_clone, arg | SIGCHLD, NULL, NULL, NULL, NULL)));
    }
    if (strcmp(op, "clone3") == 0) {
        struct clone3_args args = {.exit_signal = SIGCHLD};
        return report(op, reaped(syscall(SYS_clone3, &args, sizeof args)));
    }
    fprintf(stderr, "sysprobe: unknown operation %s\n", op);
    return 2;
}
