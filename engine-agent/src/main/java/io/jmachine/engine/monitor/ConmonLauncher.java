package io.jmachine.engine.monitor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts conmon so that it outlives the engine, with the pipes it talks through.
 *
 * <p>conmon reports on pipes whose fd numbers it reads from the environment ({@code _OCI_SYNCPIPE}
 * and, for an attached exec, {@code _OCI_STARTPIPE} and {@code _OCI_ATTACHPIPE}); ProcessBuilder
 * passes no fds beyond stdio, so the pipes are named FIFOs that {@code sh} opens on fds 3, 4 and 5
 * just before it execs conmon. The engine opens the other ends in the same order (each open(2)
 * of a FIFO waits for its peer). conmon then double-forks and setsid()s: the process started here
 * exits at once, and the monitor lives on, reparented away from the JVM.
 */
final class ConmonLauncher {

    /** sh opens the FIFOs named in the environment on fds 3-5 and becomes conmon. */
    static final String SYNC_ONLY = "exec \"$@\" 3>\"$JM_SYNC_FIFO\"";
    private static final String WITH_ATTACH = "exec \"$@\" 3>\"$JM_SYNC_FIFO\" 4<\"$JM_START_FIFO\" 5>\"$JM_ATTACH_FIFO\"";
    /** sh opens its FIFO ends at once; this long means it never will. */
    private static final long OPEN_TIMEOUT_SECONDS = 30;

    private final Path conmon;
    private final RuntimeCommands runtime;

    ConmonLauncher(Path conmon, RuntimeCommands runtime) {
        this.conmon = conmon;
        this.runtime = runtime;
    }

    /**
     * The arguments every monitor gets: conmon's API version 1, the runtime and its root, the
     * bundle (where conmon puts its attach socket and FIFOs), the pid and exit files in
     * {@code state}, and the stdio wanted. {@code monitorId} names an exec session apart from
     * its container.
     */
    List<String> monitorArgs(MonitorState state, String containerId, String monitorId, Path bundle,
                             boolean terminal, boolean stdin, boolean stdinOnce) {
        List<String> args = new ArrayList<>(List.of(
                "--api-version", "1",
                "-c", containerId,
                "-u", monitorId,
                "-r", runtime.runtime().toString(),
                "--runtime-arg", "--root", "--runtime-arg", runtime.root().toString(),
                "-b", bundle.toString(),
                "-p", state.pidFile().toString(),
                "-P", state.conmonPidFile().toString(),
                "--exit-dir", state.exitDir().toString(),
                // bind the attach socket in the bundle through /proc/self/fd, whatever the path's
                // length, rather than through a symlink in --socket-dir-path that keeps sun_path
                // short (conmon 2.1.6 leaks those symlinks); clients connect the same way (Libc)
                "--full-attach"));
        if (terminal) {
            args.add("-t");
        }
        if (stdin) {
            args.add("-i");
            if (!stdinOnce) {
                args.add("--leave-stdin-open");
            }
        }
        return args;
    }

    /**
     * Starts conmon with {@code args}; its FIFOs are made in {@code pipeDir}. With {@code execAttach}
     * it also gets a start pipe (it waits on it twice: before setting up, and before running the
     * process) and an attach pipe (it reports there when its attach socket is ready).
     */
    ConmonPipes launch(List<String> args, Path pipeDir, boolean execAttach) throws IOException {
        Path sync = pipeDir.resolve("sync.fifo");
        Path start = pipeDir.resolve("start.fifo");
        Path attach = pipeDir.resolve("attach.fifo");
        List<Path> fifos = execAttach ? List.of(sync, start, attach) : List.of(sync);
        for (Path fifo : fifos) {
            Files.deleteIfExists(fifo);
            Libc.mkfifo(fifo);
        }
        List<String> command = new ArrayList<>(List.of("sh", "-c", execAttach ? WITH_ATTACH : SYNC_ONLY, "sh", conmon.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                // conmon drops an "oom" marker in its working folder when the container is OOM-killed: the monitor's own
                // folder, which goes with it, rather than wherever the engine was started
                .directory(pipeDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // conmon passes its environment on to the runtime: keep it to what the monitor needs
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("JM_SYNC_FIFO", sync.toString());
        builder.environment().put("_OCI_SYNCPIPE", "3");
        if (execAttach) {
            builder.environment().put("JM_START_FIFO", start.toString());
            builder.environment().put("JM_ATTACH_FIFO", attach.toString());
            builder.environment().put("_OCI_STARTPIPE", "4");
            builder.environment().put("_OCI_ATTACHPIPE", "5");
        }
        Process process = builder.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process),
                runnable -> Thread.ofVirtual().start(runnable));
        try {
            ConmonPipes pipes = openPeerEnds(sync, execAttach ? start : null, execAttach ? attach : null);
            return pipes.withLauncher(process, stderr);
        } finally {
            for (Path fifo : fifos) {
                Files.deleteIfExists(fifo); // both ends are open (or failed): the names are no longer needed
            }
        }
    }

    /**
     * Kills the launchers an engine killed mid-launch left behind: an sh still waiting to open its FIFO ends, which
     * nobody will ever open now. Only ours: their conmon arguments name files under {@code stateRoot}.
     */
    static int killStranded(Path stateRoot) {
        String ours = stateRoot.toAbsolutePath() + "/";
        int killed = 0;
        for (ProcessHandle process : (Iterable<ProcessHandle>) ProcessHandle.allProcesses()::iterator) {
            List<String> args = process.info().arguments().map(List::of).orElse(List.of());
            if (args.size() > 3 && args.get(0).equals("-c") && (args.get(1).equals(SYNC_ONLY) || args.get(1).equals(WITH_ATTACH))
                    && args.stream().anyMatch(arg -> arg.startsWith(ours)) && process.destroyForcibly()) {
                killed++;
            }
        }
        return killed;
    }

    private ConmonPipes openPeerEnds(Path sync, Path start, Path attach) throws IOException {
        CompletableFuture<ConmonPipes> opened = new CompletableFuture<>();
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                opened.complete(ConmonPipes.open(sync, start, attach));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        });
        try {
            return opened.get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            releaseStuckOpens(sync, start, attach);
            opener.interrupt();
            throw new IOException("conmon's launcher never opened its pipes in " + sync.getParent());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            releaseStuckOpens(sync, start, attach);
            throw new IOException("interrupted while starting conmon", e);
        }
    }

    /** Opens the missing peers without blocking, so that the opener thread's open(2) returns. */
    private static void releaseStuckOpens(Path sync, Path start, Path attach) {
        for (Path fifo : new Path[] {sync, attach}) {
            try {
                if (fifo != null) {
                    int fd = Libc.openFifoForWriting(fifo);
                    if (fd >= 0) {
                        Libc.close(fd);
                    }
                }
            } catch (IOException ignored) {
                // nothing waits on it
            }
        }
        try {
            if (start != null) {
                Libc.close(Libc.openFifoForReading(start));
            }
        } catch (IOException ignored) {
            // nothing waits on it
        }
    }

    private static String readAll(Process process) {
        try (var in = process.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
