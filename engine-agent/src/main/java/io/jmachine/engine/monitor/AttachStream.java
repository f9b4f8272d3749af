package io.jmachine.engine.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live connection to a container's (or exec session's) stdio through conmon's attach socket.
 * Output arrives as frames from the moment of attaching (what came before is in the log); input is
 * written to the process's stdin, and {@link #closeStdin()} ends it (conmon then closes the
 * process's stdin unless the container keeps it open).
 *
 * <p>The socket is read and written by two platform threads of its own: the calls are native
 * (JNA), which would pin the virtual threads the API handlers run on, for as long as a container
 * stays silent or does not read its stdin.
 */
public final class AttachStream implements AutoCloseable {

    /** conmon's first byte of each message: 2 for stdout, 3 for stderr (its stdpipe_t). */
    private static final byte STDOUT_PIPE = 2;
    private static final byte STDERR_PIPE = 3;
    /** conmon reads at most 32 KiB - 1 per message; stay well inside it. */
    private static final int MAX_INPUT_MESSAGE = 8192;
    private static final Frame END = new Frame(OutputSource.STDOUT, new byte[0]);

    /** Output as conmon read it from the process: a chunk of bytes, not necessarily a line. With a TTY all is STDOUT. */
    public record Frame(OutputSource source, byte[] data) {
        @Override
        public String toString() {
            return source + ":" + new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final int fd;
    private final boolean terminal;
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final ExecutorService writer;
    private boolean closed;

    private AttachStream(int fd, boolean terminal, String name) {
        this.fd = fd;
        this.terminal = terminal;
        this.reader = Thread.ofPlatform().daemon().name("attach-read-" + name).unstarted(this::pump);
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("attach-write-" + name).factory());
        reader.start();
    }

    /** Connects to the attach socket conmon made in {@code directory}. */
    static AttachStream connect(Path directory, boolean terminal, String name) throws IOException {
        return new AttachStream(Libc.connectSeqPacket(directory, "attach"), terminal, name);
    }

    /** Whether the process has a TTY: then output is the terminal's raw bytes, all as STDOUT. */
    public boolean terminal() {
        return terminal;
    }

    /** The next frame of output, waiting for it; empty once the process's output has ended. */
    public Optional<Frame> read() throws InterruptedException {
        Frame frame = frames.take();
        return endOr(frame);
    }

    /** Like {@link #read()}, but gives up after {@code timeout}. */
    public Optional<Frame> read(Duration timeout) throws InterruptedException, TimeoutException {
        Frame frame = frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (frame == null) {
            throw new TimeoutException("no output within " + timeout);
        }
        return endOr(frame);
    }

    private Optional<Frame> endOr(Frame frame) {
        if (frame == END) {
            frames.add(END); // later reads see the end too
            return Optional.empty();
        }
        return Optional.of(frame);
    }

    /** Sends {@code data} to the process's stdin (which the container must have been given, see {@code stdin}). */
    public void write(byte[] data) throws IOException {
        for (int offset = 0; offset < data.length; offset += MAX_INPUT_MESSAGE) {
            byte[] chunk = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + MAX_INPUT_MESSAGE));
            onWriter(() -> Libc.write(fd, chunk));
        }
    }

    /** Ends stdin (as a client's half-close): {@code cat} and the like see end of file. */
    public void closeStdin() throws IOException {
        onWriter(() -> Libc.shutdownOutput(fd));
    }

    private interface SocketCall {
        void run() throws IOException;
    }

    private void onWriter(SocketCall call) throws IOException {
        try {
            writer.submit(() -> {
                call.run();
                return null;
            }).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("writing to the attach socket failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing to the attach socket", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the attach stream is closed", e);
        }
    }

    private void pump() {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                int n = Libc.read(fd, buffer);
                if (n <= 0) {
                    break;
                }
                if (buffer[0] != STDOUT_PIPE && buffer[0] != STDERR_PIPE) {
                    continue; // conmon defines no other kind of message: skip rather than show garbage
                }
                OutputSource source = buffer[0] == STDERR_PIPE && !terminal ? OutputSource.STDERR : OutputSource.STDOUT;
                frames.add(new Frame(source, Arrays.copyOfRange(buffer, 1, n)));
            }
        } catch (IOException e) {
            // a reset connection (conmon gone) ends the output like EOF
        } finally {
            frames.add(END);
        }
    }

    /** Disconnects; the process keeps running. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.shutdownBoth(fd); // wakes the reader
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
    }
}
